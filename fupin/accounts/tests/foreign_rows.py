"""Foreign rows of the account import for the generic import scope test
(core/testing/foreign.py): accounts in another county, and usernames of accounts the
importer does not manage."""

from fupin.areas.models import Area
from fupin.core.testing.foreign import ForeignCase, foreign_rows


@foreign_rows("users")
def users_foreign(users):
    actor = users["lizhou_county"]
    wangcang_township = users["technician"].scope_code
    wangcang_village = Area.objects.filter(parent_id=wangcang_township).order_by("code") \
        .values_list("code", flat=True).first()
    own_village = users["village_a"].scope_code
    return [
        ForeignCase("a village worker in another county", actor, [
            {"full_name": "张三", "role": "村级专职人员", "area": wangcang_village}]),
        ForeignCase("a township officer in another county", actor, [
            {"full_name": "李四", "role": "乡镇经办", "area": wangcang_township}]),
        ForeignCase("the account of another county's officer by its username", actor, [
            {"full_name": "王五", "username": "wangcang_county", "role": "村级专职人员",
             "area": own_village}]),
        ForeignCase("the account of a colleague at the importer's own level", actor, [
            {"full_name": "王五", "username": "lizhou_county", "role": "村级专职人员",
             "area": own_village}]),
    ]
