"""Accounts from a spreadsheet (issue 9 item 6): a county creating its 300 village workers at
once, through the shared import framework (core/tabular).

The framework's promises hold (DESIGN §7): every row is checked before anything is written,
any error writes nothing, and the same file imported twice changes nothing. The rules are
the services' (accounts/services.py `scope_errors`): a row is refused for the same reason
the 新建账户 page would refuse it — a role above the importer's, a scope outside it or wider
than the role's, a username in use by an account the importer does not manage.

Initial passwords: none in the file. Each new account gets a random one and must change it at
first login; the importer downloads the new accounts' passwords once, as a spreadsheet, from
用户管理 → 初始密码 (accounts.CredentialSheet: encrypted until then, emptied by the download).
Existing accounts named by the file are updated (name, phone, role, scope) and keep their
passwords; an import never deactivates or reactivates an account, and changes no deactivated
one (restore it first, as 修改账户 asks). Creating and changing go through the services'
own helpers (`account_new`, `account_change`, `account_save`): one set of rules.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypinyin import lazy_pinyin

from fupin.areas.lookup import township_index, village_index
from fupin.areas.models import Area
from fupin.core import personal, scoping
from fupin.core.errors import ServiceError
from fupin.core.roles import ROLE_SCOPE_MIN_LENGTH, Role, can_manage_accounts
from fupin.core.tabular import ledger
from fupin.core.tabular.importer import changed_since_check
from fupin.core.tabular.spec import Col, ImportSpec, Outcome, ParsedRow, register

from . import services

ROLE_SYNONYMS = {"管理员": "系统管理员", "区县经办人": "区县经办", "县级经办": "区县经办",
                 "乡镇经办人": "乡镇经办", "乡镇干部": "乡镇经办", "村专职人员": "村级专职人员",
                 "村级专干": "村级专职人员", "村专干": "村级专职人员", "村干部": "村级专职人员",
                 "技术员": "产业技术员"}
UPDATABLE = ("full_name", "phone", "role", "scope_area_id")


def _roles() -> dict[str, str]:
    return {code: str(label) for code, label in Role.choices}


USER_COLUMNS = [
    Col("full_name", "姓名", required=True, max_length=50, synonyms=("人员姓名", "用户姓名")),
    Col("username", "用户名", max_length=150, width=18,
        synonyms=("登录名", "账号", "账户", "登录账号"),
        help="留空则按姓名拼音生成（重名时加数字）；填写已有账户的用户名即修改该账户"),
    Col("phone", "手机号", kind="phone", synonyms=("手机", "手机号码", "联系电话", "电话")),
    Col("role", "角色", kind="choice", required=True, choices=_roles,
        choice_synonyms=ROLE_SYNONYMS, synonyms=("用户角色", "岗位"),
        help="只能填写低于您本人的角色"),
    Col("area", "所属区划", required=True, width=24,
        synonyms=("管辖区划", "区划代码", "所在村", "所在乡镇", "管辖范围"),
        help="区划代码，或村（乡镇）名称；村级专职人员填村，乡镇经办、技术员填乡镇"),
    Col("area_name", "区划名称", width=28, help="导出时填写，仅供核对；导入时不读取"),
    Col("status", "状态", width=8, help="导出时填写（在用 / 已停用），仅供核对；导入时不读取"),
]


def username_base(full_name: str) -> str:
    """张三 → zhangsan; letters and digits only, lower case ("user" if none are left)."""
    text = "".join(lazy_pinyin(full_name or "")).lower()
    text = "".join(ch for ch in text if ch.isascii() and ch.isalnum())
    return text[:140] or "user"


class UserImport(ImportSpec):
    name = "users"
    title = "用户账户"
    columns = USER_COLUMNS
    model = get_user_model()
    done_link = ("accounts:credential_sheets", gettext_lazy("下载新账户的初始密码（仅一次）"))
    instructions = [
        "每行一个账户。第一行是表头，表头上方可以有标题行；“序号”列会被忽略。",
        "角色只能是低于您本人的角色（区县经办可建乡镇经办、村级专职人员、专家、产业技术员）；"
        "所属区划须在您的管辖范围内：村级专职人员填村，乡镇经办和产业技术员填乡镇（或村），"
        "专家填区县（或更下级）。区划可填代码或名称（重名时请填代码）。",
        "用户名留空则按姓名拼音生成（如 zhangsan，已被使用时为 zhangsan2）；"
        "留空的行按“姓名 + 手机号 + 所属区划”认出已导入的账户，所以同一文件重复导入不会重复建号。",
        "填写已有账户的用户名即修改该账户的姓名、手机号、角色和所属区划（须是您管理的账户），"
        "密码不变；导入不会停用或恢复账户，也不会修改已停用的账户（须先在用户管理中恢复）。",
        "新账户的初始密码由系统随机生成，不写在表里：导入完成后到“用户管理 → 初始密码”下载"
        "（只能下载一次，%(days)s 天后自动清除）。每个新账户首次登录时必须修改密码。",
        "同一文件重复导入不会产生变化。有任何错误都不会写入。",
        "“区划名称”“状态”两列由导出填写，仅供核对，导入时不读取。",
    ]

    def __init__(self):
        from django.conf import settings

        days = getattr(settings, "FUPIN_CREDENTIALS_DAYS", 3)
        self.instructions = [line % {"days": days} if "%(days)s" in line else line
                             for line in type(self).instructions]

    # --- validation -------------------------------------------------------------------------
    def start(self, *, actor):
        scope = scoping.user_scope_code(actor) or ""
        return {"actor": actor, "scope": scope, "villages": None, "townships": None,
                "usernames": {}, "people": {}, "taken": set(), "generated": {}}

    def _index(self, state, key):
        if state[key] is None:
            make = village_index if key == "villages" else township_index
            state[key] = make(state["scope"])
        return state[key]

    def _area(self, row: ParsedRow, state) -> str | None:
        """The scope code the row names: a code (any level the role allows), or the name of a
        village (village workers) or township (the others)."""
        text = (row.values.get("area") or "").strip()
        role = row.values.get("role")
        if not text or not role:
            return None
        label = self.column("area").label
        if text.isdigit():
            if len(text) not in (2, 4, 6, 9, 12) or not Area.objects.filter(pk=text).exists():
                row.error(label, _("区划代码“%(c)s”不存在") % {"c": text})
                return None
            return text
        minimum = ROLE_SCOPE_MIN_LENGTH.get(role, 12)
        if minimum < 9:
            row.error(label, _("此角色请填写区划代码"))
            return None
        index = self._index(state, "villages" if minimum == 12 else "townships")
        if minimum == 12:
            code, message = index.resolve(village=text)
        else:
            code, message = index.resolve(township=text)
        if code is None:
            row.error(label, message)
        return code

    def derive(self, rows: list[ParsedRow], state) -> None:
        for row in rows:
            row.values["_scope"] = self._area(row, state)
            row.values["username"] = (row.values.get("username") or "").strip()
            row.values["phone"] = row.values.get("phone") or ""

    def check(self, rows: list[ParsedRow], state) -> None:
        actor = state["actor"]
        if not can_manage_accounts(actor):
            for row in rows:
                row.error("", _("您的角色无权导入用户账户"))
            return
        User = self.model
        names = [r.values["username"] for r in rows if r.values["username"]]
        existing = {u.username.casefold(): u for u in User.objects.filter(
            username__in=names)} if names else {}
        if names:  # case-insensitive clashes (ZhangSan against zhangsan)
            q = Q()
            for name in names:
                q |= Q(username__iexact=name)
            for u in User.objects.filter(q):
                existing.setdefault(u.username.casefold(), u)
        managed = set(User.objects.visible_to(actor).filter(
            pk__in=[u.pk for u in existing.values()]).values_list("pk", flat=True))
        inactive = self._inactive_people(rows, actor)
        for row in rows:
            v = row.values
            scope = v.get("_scope")
            if v.get("role") and scope:
                for field, message in services.scope_errors(actor=actor, role=v["role"],
                                                            scope_code=scope):
                    label = self.column("role" if field == "role" else "area").label
                    row.error(label, message.rstrip("。"))
            name = v["username"]
            if name:
                key = name.casefold()
                first = state["usernames"].setdefault(key, row.line)
                if first != row.line:
                    row.error(self.column("username").label,
                              _("与第 %(n)s 行的用户名重复") % {"n": first})
                user = existing.get(key)
                if user is not None and user.pk not in managed:
                    row.error(self.column("username").label,
                              _("用户名“%(u)s”已被其他账户使用") % {"u": name})
                elif user is None:
                    self._check_username(row, name)
                elif user.pk == actor.pk and (v.get("role"), scope) != (user.role,
                                                                       user.scope_area_id):
                    row.error(self.column("username").label, _("不能修改自己的角色或管辖区划"))
                elif not user.is_active and self._changes(user, v):
                    # as 修改账户 refuses it; an unchanged row (an export re-imported) is
                    # left alone
                    row.error(self.column("username").label, _deactivated(user))
            else:
                person = (v.get("full_name"), v.get("phone"), scope)
                first = state["people"].setdefault(person, row.line)
                if first != row.line:
                    row.error(self.column("full_name").label,
                              _("与第 %(n)s 行是同一人（姓名、手机号、所属区划相同）")
                              % {"n": first})
                else:
                    match = inactive.get(person)
                    if match is not None and self._changes(match, v):
                        row.error(self.column("full_name").label, _deactivated(match))
            if not row.errors:
                self._check_model_rules(row, existing.get(name.casefold()) if name else None)

    @staticmethod
    def _values(v) -> dict:
        return {"full_name": v.get("full_name") or "", "phone": v.get("phone") or "",
                "role": v.get("role"), "scope_area_id": v.get("_scope")}

    def _changes(self, user, v) -> bool:
        return any(getattr(user, k) != val for k, val in self._values(v).items())

    def _inactive_people(self, rows, actor) -> dict:
        """The deactivated accounts the actor manages that this chunk's rows without a
        username name (by name, phone and scope)."""
        blank = [r.values for r in rows if not r.values["username"]]
        if not blank:
            return {}
        return {(u.full_name, u.phone, u.scope_area_id): u
                for u in self.model.objects.visible_to(actor).filter(
                    is_active=False, full_name__in={v.get("full_name") for v in blank},
                    scope_area_id__in={v.get("_scope") for v in blank})}

    def _check_model_rules(self, row: ParsedRow, user) -> None:
        """The model's own rules (services.account_clean), as the services apply them when
        writing: the row's account as it would be."""
        values = self._values(row.values)
        candidate = self.model(username=user.username if user is not None
                               else row.values["username"], **values)
        exclude = ["scope_area"]  # checked by scope_errors
        if user is not None or not row.values["username"]:
            exclude.append("username")  # kept, or generated when writing
        try:
            services.account_clean(candidate, exclude=exclude)
        except ServiceError as exc:
            column = {"scope_area": "area"}.get(exc.field, exc.field)
            label = self.column(column).label if column in self._column_names() else ""
            row.error(label, exc.message.rstrip("。"))

    def _column_names(self) -> set[str]:
        return {c.key for c in self.columns}

    def _check_username(self, row: ParsedRow, name: str) -> None:
        user = self.model(username=name)
        try:
            user.clean_fields(exclude=[f.name for f in self.model._meta.fields
                                       if f.name != "username"])
        except Exception as exc:  # noqa: BLE001 — the field's own message
            messages = getattr(exc, "message_dict", {}).get("username") or [str(exc)]
            row.error(self.column("username").label, str(messages[0]).rstrip("。"))

    # --- writing ----------------------------------------------------------------------------
    def begin_write(self, state) -> None:
        state["usernames"], state["people"] = {}, {}
        state["credentials"] = []
        state["taken"] = set()

    def _existing(self, rows, state) -> dict:
        """The managed account each row names: by username, or (no username) by name, phone
        and scope. Found again under the transaction."""
        actor = state["actor"]
        User = self.model
        managed = User.objects.visible_to(actor).select_for_update()
        names = [r.values["username"] for r in rows if r.values["username"]]
        by_name = {}
        if names:
            q = Q()
            for name in names:
                q |= Q(username__iexact=name)
            # locked as read: account_change works on what is there now
            by_name = {u.username.casefold(): u
                       for u in User.objects.select_for_update().filter(q)}
        blank = [r for r in rows if not r.values["username"]]
        people = defaultdict(list)
        if blank:
            found = managed.filter(full_name__in={r.values["full_name"] for r in blank},
                                   scope_area_id__in={r.values["_scope"] for r in blank})
            for u in found:
                people[(u.full_name, u.phone, u.scope_area_id)].append(u)
        managed_pks = set(managed.filter(pk__in=[u.pk for u in by_name.values()])
                          .values_list("pk", flat=True))
        out = {}
        for row in rows:
            v = row.values
            if v["username"]:
                user = by_name.get(v["username"].casefold())
                if user is not None and user.pk not in managed_pks:
                    raise changed_since_check(row.line, _("用户名“%(u)s”已被其他账户使用")
                                              % {"u": v["username"]})
                out[row.line] = user
            else:
                matches = people.get((v["full_name"], v["phone"], v["_scope"]), [])
                if len(matches) > 1:
                    raise changed_since_check(
                        row.line, _("有多个姓名、手机号、所属区划都相同的账户，请填写用户名"))
                out[row.line] = matches[0] if matches else None
        return out

    def _new_username(self, full_name: str, state) -> str:
        base = username_base(full_name)
        taken = state["taken"]
        n = state["generated"].get(base, 1)
        while True:
            candidate = base if n == 1 else f"{base}{n}"
            n += 1
            if candidate.casefold() in taken or services.username_taken(candidate):
                continue
            state["generated"][base] = n
            taken.add(candidate.casefold())
            return candidate

    def write(self, rows: list[ParsedRow], state) -> Outcome:
        """Each row through the services' rules (accounts/services.py `account_new`,
        `account_change`, `account_save`), under this import's transaction; a refusal
        there (the data changed since the check) rolls the whole import back."""
        actor = state["actor"]
        outcome = Outcome()
        existing = self._existing(rows, state)
        written = []
        for row in rows:
            v = row.values
            user = existing[row.line]
            try:
                if user is None:
                    user = services.account_new(
                        actor=actor, username=v["username"] or self._new_username(
                            v["full_name"], state), role=v["role"], scope_code=v["_scope"],
                        full_name=v["full_name"], phone=v["phone"])
                    password = services.initial_password_set(user)
                    services.account_save(user, actor=actor, action="create", imported=True)
                    state["credentials"].append([
                        user.username, user.full_name, str(user.get_role_display()),
                        _area_name(user.scope_area_id), password])
                    outcome.created += 1
                else:
                    data = {"full_name": v["full_name"], "phone": v["phone"],
                            "role": v["role"], "scope_code": v["_scope"]}
                    if not services.account_change(actor=actor, current=user, data=data):
                        outcome.unchanged += 1
                        continue
                    services.account_save(user, actor=actor, action="update", imported=True)
                    outcome.updated += 1
            except ServiceError as exc:
                raise changed_since_check(row.line, exc.message.rstrip("。")) from exc
            written.append(user)
        # the import's scope guard (core/tabular/ledger.py) checks these against
        # User.objects.visible_to(actor) before the transaction ends, as it does every
        # area-scoped record an import writes
        ledger.note(self.model, written)
        return outcome

    def finalize(self, state) -> None:
        if state["credentials"]:
            services.credential_sheet_create(actor=state["actor"], rows=state["credentials"])

    # --- export -------------------------------------------------------------------------------
    def export_ordering(self, queryset):
        return queryset.order_by("scope_area_id", "username")

    def can_reveal(self, user) -> bool:
        return personal.can_see_personal(user)

    def export_rows(self, queryset, *, reveal: bool):
        names = {}
        for user in queryset.iterator(chunk_size=2000):
            code = user.scope_area_id or ""
            if code not in names:
                names[code] = _area_name(code)
            phone = user.phone if reveal else personal.masked_form(
                personal.PHONE, personal.stored_mask(personal.PHONE, user.phone))
            yield [user.full_name, user.username, phone, str(user.get_role_display()), code,
                   names[code], _("在用") if user.is_active else _("已停用")]


def _deactivated(user) -> str:
    return _("账户“%(u)s”已停用，须先在用户管理中恢复，才能导入修改") % {"u": user.username}


def _area_name(code: str) -> str:
    from fupin.areas.selectors import area_full_name

    return area_full_name(code) if code else ""


users_import = register(UserImport())
