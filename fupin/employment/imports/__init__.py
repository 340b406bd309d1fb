"""The employment lists as spreadsheets (DESIGN §2 lists 3–5, §7): one ImportSpec each for
转移就业, 自主创业, 公益性岗位 and 岗位安置. The shared framework (core/tabular) reads, maps,
reports and runs them; each spec here says its columns, its rules across rows (the same rules
as the services, over the whole file and the database together), how a row finds the record it
updates, and how an export writes the same columns back — so an export re-imports losslessly
and re-importing a file changes nothing.

A row names its person by ID number (姓名 only checks it); the record lives in the person's
village. Writes are bulk, with history by the uploader; at the end the employment status of
every person whose records changed is derived again, in the same transaction."""

from .employments import employments_import
from .placements import placements_import
from .posts import posts_import
from .ventures import ventures_import

__all__ = ["employments_import", "placements_import", "posts_import", "ventures_import"]
