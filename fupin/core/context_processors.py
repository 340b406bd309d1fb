from . import places
from .sections import nav
from .views.notifications import bell_context


def shell(request):
    """What every page's shell needs: the user's menu (groups and entries, the current one
    marked: core.sections.nav.menu), the same entries flat, and the bell's unread count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": [], "nav_menu": []}
    menu = nav.menu(request)
    entries = [e for item in menu for e in (item["entries"] if "group" in item else [item])]
    code = user.scope_code
    # the top bar is narrow on a phone: leave out the province and the city below them
    below = code[:4] if len(code) > 4 else code[:2] if len(code) > 2 else ""
    return {"nav_entries": entries, "nav_menu": menu, **bell_context(user),
            "user_scope_name": places.area_name(code, below=below)}
