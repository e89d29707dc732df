"""Unit aliases as per-level profiles: one canonical name per unit and jurisdiction.

A profile is an editable TSV file per level of government in ``data/aliases/``
(``national.tsv``, ``province.tsv``, ``city.tsv``): one unit a line, its
canonical name first, then the other names it goes by, separated by TABs.

The same short name means different units at different levels: "发展改革委" is
国家发展改革委 in a State Council notice and 市发展改革委 in a city's. So
:meth:`Aliases.canonical` takes the document's level: a name is looked up in
that level's profile, a bare department name (no 国家/省/市 prefix) is then
tried with the level's prefix ("发展改革委" -> "市发展改革委" in a city notice),
then in the national profile ("工信部" is 工业和信息化部 in any notice).
With no level known, only names that are unambiguous across profiles are mapped.

An index keeps its own copy of the profiles (:meth:`Aliases.save` /
:meth:`Aliases.load`), so it answers the same way after the package data changes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data" / "aliases"
LEVELS = ("national", "province", "city", "county")
# The prefix a level's own departments carry ("市财政局"); national units carry none.
LEVEL_PREFIX = {"province": "省", "city": "市", "county": "县"}
# Prefixes of units the profiles name under another level's prefix: an autonomous region's
# departments are spelled as a province's, a league's or prefecture's as a city's, a county's,
# district's or banner's as a city's ("县发改委" as "市发改委").
_OTHER_PREFIXES = {"自治区": ("province", "省"), "自治州": ("city", "市"), "地区": ("city", "市"),
                   "盟": ("city", "市"), "州": ("city", "市"), "县": ("city", "市"), "区": ("city", "市"),
                   "旗": ("city", "市")}
_HEADER = ("# {level} profile. One unit a line: the canonical name first, then its other names,\n"
           "# separated by TABs. Edit freely; the index must be rebuilt to apply a change.\n")


def _read_profile(path: Path) -> list[list[str]]:
    rows: list[list[str]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        names = [n.strip() for n in line.split("\t") if n.strip()]
        if any(not n or n.endswith("等") for n in names):
            raise ValueError(f"{path}:{number}: a unit name is empty or ends in 等")
        rows.append(names)
    return rows


class Aliases:
    """Per-level alias profiles: ``{level: [[canonical, alias, …], …]}``."""

    def __init__(self, profiles: dict[str, list[list[str]]]):
        unknown = set(profiles) - set(LEVELS)
        if unknown:
            raise ValueError(f"unknown alias level(s) {sorted(unknown)}; known: {', '.join(LEVELS)}")
        self.profiles = {level: [list(r) for r in rows] for level, rows in profiles.items()}
        self._maps: dict[str, dict[str, str]] = {}
        for level, rows in self.profiles.items():
            table: dict[str, str] = {}
            for names in rows:
                for name in names:
                    table.setdefault(name, names[0])
            self._maps[level] = table
        # Names that mean the same unit in every profile that knows them.
        merged: dict[str, set[str]] = {}
        for table in self._maps.values():
            for alias, canon in table.items():
                merged.setdefault(alias, set()).add(canon)
        # A bare name that a local profile knows with its prefix ("发展改革委" / "市发展改革委")
        # is ambiguous too: with no level known it is left as written.
        self._any = {alias: next(iter(c)) for alias, c in merged.items()
                     if len(c) == 1 and not any(p + alias in merged for p in LEVEL_PREFIX.values())}

    @classmethod
    def default(cls) -> Aliases:
        """The profiles shipped with the package (``data/aliases``)."""
        return _default()

    @classmethod
    def load(cls, directory: str | Path) -> Aliases:
        """Profiles from ``<level>.tsv`` files in a directory (missing levels are empty)."""
        d = Path(directory)
        if not d.is_dir():
            raise FileNotFoundError(f"alias directory {d} does not exist")
        return cls({level: _read_profile(d / f"{level}.tsv") for level in LEVELS
                    if (d / f"{level}.tsv").exists()})

    def save(self, directory: str | Path) -> None:
        """Write one ``<level>.tsv`` per profile into ``directory`` (created if needed)."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        for level, rows in self.profiles.items():
            body = "".join("\t".join(names) + "\n" for names in rows)
            (d / f"{level}.tsv").write_text(_HEADER.format(level=level) + body, encoding="utf-8")

    def canonical(self, name: str, level: str | None = None) -> str:
        """The canonical name of ``name`` for a document of ``level`` (unknown names pass through)."""
        if level is None:
            return self._other_prefix(self._any.get(name, name))
        table = self._maps.get(level, {})
        if name in table:
            return table[name]
        prefix = LEVEL_PREFIX.get(level)
        local = name.startswith(("省", "市", "县", "区", "各"))
        if prefix and not local and not name.startswith(("国家", "国务院", "中央")):
            prefixed = table.get(prefix + name)
            if prefixed:
                return prefixed
        if not local:  # a ministry named in a local notice is still the ministry ("工信部")
            name = self._maps.get("national", {}).get(name, name)
        return self._other_prefix(name)

    def _other_prefix(self, name: str) -> str:
        """A department of an autonomous region, a league or a county, named like a province's or
        a city's: "自治区人社厅" -> "自治区人力资源社会保障厅", "县发改委" -> "县发展改革委" (the
        profile's spelling under the name's own prefix; names the profiles do not know pass)."""
        for prefix, (level, own) in _OTHER_PREFIXES.items():
            if name.startswith(prefix) and len(name) > len(prefix) + 1:
                found = self._maps.get(level, {}).get(own + name[len(prefix):])
                if found and found.startswith(own):
                    return prefix + found[len(own):]
        return name

    def table(self) -> dict[str, str]:
        """alias -> canonical over all profiles, for names unambiguous across levels."""
        return dict(self._any)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Aliases) and self.profiles == other.profiles


@lru_cache(maxsize=1)
def _default() -> Aliases:
    return Aliases.load(DATA_DIR)


def canonical(name: str, level: str | None = None) -> str:
    """Canonical name with the package's profiles (kept for callers of the old API)."""
    return Aliases.default().canonical(name, level)


_LEVEL = ("市", "省", "区", "县")
_OFFICE_END = ("局", "委", "厅", "办", "协", "院", "联", "会", "部", "署", "政府")
# After 市/省/区/县, what makes a word or a class, not a level: 市场, 区域, 省级, 市县, "省、自治区…".
_NOT_LEVEL = re.compile(r"[场域级省市县区州、,(（]|.*[、,(（]")


def level_free(spellings: dict[str, str]) -> dict[str, str]:
    """Spellings without their level ("科技局" for "市科技局", "人才办" for "市委人才办"), as people
    say them, where only one unit of the index answers to the short form; a short form that is
    already a spelling, or that two units share ("发展改革委": 省 and 市), is left out."""
    found: dict[str, set[str]] = {}
    for spelling, name in spellings.items():
        short = spelling[2:] if spelling[1:2] == "委" else spelling[1:]  # "市委人才办" -> "人才办"
        if spelling.startswith(_LEVEL) and 2 <= len(short) <= 10 and short.endswith(_OFFICE_END) \
                and not _NOT_LEVEL.match(short) and short not in spellings:
            found.setdefault(short, set()).add(name)
    return {short: next(iter(names)) for short, names in found.items() if len(names) == 1}
