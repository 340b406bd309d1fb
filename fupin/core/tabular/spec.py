"""Import specs: a list declares its spreadsheet columns once, and the shared importer, the
template, the error report and the export all read that declaration (CONVENTIONS: shared
generic parts instead of copies)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from . import parsers
from .reader import ROW_NUMBER_HEADERS, header_key


@dataclass(frozen=True)
class Col:
    """One column of a spreadsheet."""

    key: str
    label: str
    kind: str = "text"  # text|int|decimal|date|year|id_number|phone|bank_account|bool|choice
    synonyms: tuple[str, ...] = ()
    required: bool = False
    choices: Callable[[], dict[str, str]] | None = None  # code → label
    choice_synonyms: dict[str, str] | None = None
    help: str = ""
    width: int = 14
    max_length: int | None = None
    # the range of an int column (a count of people or months): outside it, a row error
    # instead of a database error at commit
    value_range: tuple[int, int] | None = None
    # free text a person wrote (回访情况): kept with its Chinese punctuation (clean_prose)
    prose: bool = False

    @property
    def is_text_column(self) -> bool:
        """Columns that Excel must keep as text (long digit strings)."""
        return self.kind in {"id_number", "phone", "bank_account", "text"}

    def parser(self) -> Callable[[Any], Any]:
        """The cell parser of this column, built once (lookup tables included)."""
        if self.kind == "text":
            limit = self.max_length
            clean = parsers.clean_prose if self.prose else parsers.clean_text

            def parse_text(value):
                text = clean(value)
                if limit and len(text) > limit:
                    raise parsers.CellError(_("不能超过 %(n)s 个字") % {"n": limit})
                return text

            return parse_text
        if self.kind == "choice":
            return parsers.choice_parser(self.choices(), self.choice_synonyms)
        parse = getattr(parsers, f"parse_{self.kind}")
        if self.value_range is None:
            return parse
        low, high = self.value_range

        def parse_in_range(value):
            number = parse(value)
            if number is not None and not low <= number <= high:
                raise parsers.CellError(_("应在 %(low)s 至 %(high)s 之间") % {"low": low,
                                                                          "high": high})
            return number

        return parse_in_range

    def parse(self, value: Any):
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.required:
                raise parsers.CellError(_("必填，不能为空"))
            return None
        return self.parser()(value)

    def format(self, value) -> Any:
        """The cell value of an export (the inverse of parse)."""
        if value is None or value == "":
            return ""
        if self.kind == "choice":
            return self.choices().get(value, value)
        if self.kind == "bool":
            return _("是") if value else _("否")
        if self.kind == "date":
            return value.isoformat()
        return value


class Compiled(list):
    """ImportSpec.compile(): one (index, key, parser, required, label) per mapped column."""

    missing: list[str] = []  # labels of required columns that the mapping lacks


@dataclass
class ParsedRow:
    line: int  # row number in the spreadsheet (1-based), for messages
    values: dict[str, Any]
    raw: list  # the original cells, for the error report
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column label, message)

    def error(self, label: str, message: str) -> None:
        self.errors.append((str(label), str(message)))


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


class ImportSpec:
    """Subclass per list: declare `name`, `title`, `columns`; implement `validate` (rules
    across rows and against the database) and `commit` (all-or-nothing, idempotent)."""

    name: str = ""
    title: str = ""
    columns: list[Col] = []
    instructions: list[str] = []
    model = None
    # A dated spec's rows report a state as of the file's date (the national system's
    # export, DESIGN §2): `start` also takes `as_of`, the date given to the import, or None.
    dated: bool = False
    # (URL name, label): where the job page sends the importer once the import is done
    # (the account import: the new accounts' initial passwords, collected once)
    done_link: tuple[str, object] | None = None

    # --- headers ------------------------------------------------------------------------
    def column(self, key: str) -> Col:
        index = self.__dict__.get("_by_key")
        if index is None:
            index = self.__dict__["_by_key"] = {c.key: c for c in self.columns}
        return index[key]

    def _header_index(self) -> dict[str, str]:
        index = {}
        for col in self.columns:
            for text in (col.label, *col.synonyms):
                index[header_key(text)] = col.key
        return index

    def matcher(self) -> Callable[[str], str | None]:
        index = self._header_index()
        return lambda text: index.get(header_key(text))

    @property
    def template_columns(self) -> list[Col]:
        """The columns of the blank template: those a user fills in (a spec may also read
        columns that only another system's file carries; the instructions list them all)."""
        return self.columns

    def ignored(self, text: str) -> bool:
        return header_key(text).casefold() in ROW_NUMBER_HEADERS  # the header finder's list

    def missing_required(self, keys: Iterable[str]) -> list[Col]:
        keys = set(keys)
        return [c for c in self.columns if c.required and c.key not in keys]

    # --- rows ---------------------------------------------------------------------------
    def compile(self, mapping: dict[int, str]) -> Compiled:
        """(column index, key, parser, required, label) for each mapped column; built once
        per import, with the required columns the mapping lacks."""
        compiled = Compiled((index, key, self.column(key).parser(), self.column(key).required,
                             self.column(key).label) for index, key in mapping.items())
        present = set(mapping.values())
        compiled.missing = [c.label for c in self.columns if c.required and c.key not in present]
        return compiled

    def parse_row(self, line: int, cells: list, mapping: dict[int, str],
                  compiled: Compiled | None = None) -> ParsedRow:
        if not compiled:
            compiled = self.compile(mapping)
        row = ParsedRow(line=line, values={}, raw=cells)
        values = row.values
        width = len(cells)
        for index, key, parse, required, label in compiled:
            value = cells[index] if index < width else None
            # blank: None, "" or only whitespace (isspace() allocates nothing, strip() does)
            if value is None or (value.__class__ is str and (not value or value.isspace())):
                if required:
                    row.error(label, _("必填，不能为空"))
                values[key] = None
                continue
            try:
                values[key] = parse(value)
            except parsers.CellError as exc:
                row.error(label, exc.message)
        for label in compiled.missing:
            row.error(label, _("缺少此列"))
        return row

    # The importer calls these in order: start → derive + check (per chunk) → finish, and,
    # when nothing failed, inside one transaction: begin_write → derive + write (per chunk)
    # → finalize; then it checks that every record written is visible to the actor.
    def start(self, *, actor):
        """State carried across chunks (indexes for duplicates, resolved areas, …).
        A `dated` spec's start also takes `as_of`."""
        return {"actor": actor}

    def derive(self, rows: list[ParsedRow], state) -> None:
        """Per-row values computed from the parsed cells (both passes run it)."""

    def check(self, rows: list[ParsedRow], state) -> None:
        """Rules across rows and against the database; record errors on the rows."""

    def finish(self, state) -> list[tuple[int, str, str]]:
        """Errors only visible once every row is seen: (line, column label, message)."""
        return []

    def begin_write(self, state) -> None:
        """The transaction has begun: forget look-ups cached while validating, so that
        write() finds the records it reaches again, under the transaction, and refuses
        (raises importer.changed_since_check) a row that no longer passes."""

    def write(self, rows: list[ParsedRow], state) -> Outcome:
        raise NotImplementedError

    def finalize(self, state) -> None:
        """Last writes inside the transaction (e.g. links across chunks)."""

    # --- export ---------------------------------------------------------------------------
    def export_ordering(self, queryset):
        """Order (and join) an export's records."""
        return queryset.order_by("pk")

    def can_reveal(self, user) -> bool:
        """Whether the user's export carries personal data in clear."""
        return False

    def export_rows(self, queryset, *, reveal: bool) -> Iterable[list]:
        raise NotImplementedError


_specs: dict[str, ImportSpec] = {}


def register(spec: ImportSpec) -> ImportSpec:
    _specs[spec.name] = spec
    return spec


def get_spec(name: str) -> ImportSpec | None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("imports")
    return _specs.get(name)


def all_specs() -> list[ImportSpec]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("imports")
    return list(_specs.values())
