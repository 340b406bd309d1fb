from . import places
from .sections import nav


def shell(request):
    """What every page's shell needs: the navigation entries the user may see."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": []}
    current = request.path
    entries = []
    for entry in nav.for_user(user):
        url = str(entry.url)
        active = current == url if url == "/" else current.startswith(url)
        entries.append({"entry": entry, "url": url, "active": active})
    code = user.scope_code
    # the top bar is narrow on a phone: leave out the province and the city below them
    below = code[:4] if len(code) > 4 else code[:2] if len(code) > 2 else ""
    return {"nav_entries": entries, "user_scope_name": places.area_name(code, below=below)}
