"""Build ``data/legacy-communes-2025.json``: every pre-July-2025 commune and today's.

Run by ``make legacy-data``, never at run time. It reads two wheels from PyPI that
``pip download`` fetched (they are not installed, and need not be importable here):

- ``vietnam-provinces`` 2026.9.0 (GPL-3.0-or-later): the statistics office's official
  conversion table of 1 July 2025 (old commune code → today's codes, "nhập một phần"
  when an old commune was split) and its pre-2025 list of provinces, districts and
  communes (data of 2025-01-04);
- ``vietnamadminunits`` 1.0.4 (MIT): the same mapping keyed by names, with the names
  and districts of the communes on the eve of the merger (some were re-formed in early
  2025) and, for a split commune, which new commune is its main successor
  (``isDefaultNewWard``).

Today's codes are those of the installed ``vietnam-provinces`` (2025.10.1, the project's
list of today's units). Both wheels use the codes of the July 2025 resolution; about a
hundred of today's communes carry another code in 2025.10.1, so every target is matched
to today's list by province and name, and the build stops if one is not found.

    python -m xaso.geo.legacy_build vietnamadminunits-1.0.4-py3-none-any.whl \\
        vietnam_provinces-2026.9.0-py3-none-any.whl [--out PATH]
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path

from xaso.core.text import fold

OUT = Path(__file__).parent / "data" / "legacy-communes-2025.json"

#: Old districts without communes (islands): their successor is a special zone.
ISLANDS = ("huyenbachlongvi", "huyenconco", "huyenhoangsa", "huyenlyson", "huyencondao")


def name_key(text: str) -> str:
    """Names compared across sources: accents, case, apostrophes and dashes ignored."""
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    return " ".join(fold(text).replace(" - ", " ").replace("-", " ").split())


# --- Reading the wheels ------------------------------------------------------------


def _literal(node):
    """Evaluate the generated data modules of vietnam-provinces without importing them
    (they need Python 3.12): calls become tuples of their arguments, ``Enum.P_01`` the
    name after the dot."""
    if isinstance(node, ast.Call):
        return tuple(_literal(a) for a in node.args)
    if isinstance(node, ast.Tuple):
        return tuple(_literal(a) for a in node.elts)
    if isinstance(node, ast.Attribute):
        tail = node.attr.rsplit("_", 1)[-1]
        return int(tail) if tail.isdigit() else node.attr
    return ast.literal_eval(node)


def _module_dicts(source: str) -> dict[str, dict]:
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Dict):
            pairs = zip(node.value.keys, node.value.values, strict=True)
            found[node.target.id] = {_literal(k): _literal(v) for k, v in pairs}
    return found


def read_vietnam_provinces(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as z:
        version = next(
            line.split(":", 1)[1].strip()
            for line in z.read(_dist_info(z, "METADATA")).decode().splitlines()
            if line.startswith("Version:")
        )
        conversion = _module_dicts(z.read("vietnam_provinces/_ward_conversion_2025.py").decode())
        provinces = _module_dicts(z.read("vietnam_provinces/_province_conversion_2025.py").decode())
        legacy = _module_dicts(z.read("vietnam_provinces/legacy/_lookup.py").decode())
        today = json.loads(z.read("vietnam_provinces/data/nested-divisions.json"))
    return {
        "version": version,
        # old code → ((code, district, province, partly), ((new code, province), ...))
        "old_to_new": conversion["OLD_TO_NEW"],
        "province_to_new": {k: [p[0] for p in v[1]] for k, v in provinces["OLD_TO_NEW"].items()},
        "provinces": {k: v[0] for k, v in legacy["PROVINCE_MAPPING"].items()},
        "districts": {k: (v[0], v[4]) for k, v in legacy["DISTRICT_MAPPING"].items()},
        "wards": {k: (v[0], v[4]) for k, v in legacy["WARD_MAPPING"].items()},
        "today": {w["code"]: (w["name"], p["code"]) for p in today for w in p["wards"]},
    }


def _dist_info(z: zipfile.ZipFile, name: str) -> str:
    return next(n for n in z.namelist() if n.endswith(f".dist-info/{name}"))


def read_vietnamadminunits(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as z, tempfile.TemporaryDirectory() as tmp:
        version = next(
            line.split(":", 1)[1].strip()
            for line in z.read(_dist_info(z, "METADATA")).decode().splitlines()
            if line.startswith("Version:")
        )
        converter = json.loads(z.read("vietnamadminunits/data/converter_2025.json"))
        db = Path(tmp) / "dataset.db"
        db.write_bytes(z.read("vietnamadminunits/data/dataset.db"))
        con = sqlite3.connect(db)
        con.row_factory = sqlite3.Row
        old = {
            f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}": dict(r)
            for r in con.execute("SELECT * FROM admin_units_legacy")
        }
        rows = con.execute("SELECT * FROM admin_units")
        new = {(r["provinceKey"], r["wardKey"]): dict(r) for r in rows}
        con.close()
    # old key → [(new row, is main)], main first
    successors: dict[str, list] = collections.defaultdict(list)
    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            for old_key in old_keys:
                successors[old_key].append((new[(province_key, ward_key)], True))
    for province_key, divided in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in divided.items():
            for part in sorted(parts, key=lambda p: not p["isDefaultNewWard"]):
                successors[old_key].append(
                    (new[(province_key, part["newWardKey"])], part["isDefaultNewWard"])
                )
    return {"version": version, "old": old, "successors": successors}


# --- The build ---------------------------------------------------------------------


class Build:
    def __init__(self, vau: dict, vp: dict, today: dict[int, tuple[str, int]]):
        self.vau, self.vp, self.today = vau, vp, today
        self.log: list[str] = []
        self.counts: collections.Counter = collections.Counter()
        by_name: dict[tuple[int, str], list[int]] = collections.defaultdict(list)
        for code, (name, province) in today.items():
            by_name[(province, name_key(name))].append(code)
        self._today_by_name = by_name
        self._moved: dict[int, int] = {}

    def today_code(self, july_code: int, july_name: str, province: int) -> int:
        """The code today's list gives the commune the July 2025 list calls ``july_code``."""
        if july_code in self._moved:
            return self._moved[july_code]
        here = self.today.get(july_code)
        if here and here[1] == province and name_key(here[0]) == name_key(july_name):
            code = july_code
        else:
            found = self._today_by_name.get((province, name_key(july_name)), [])
            if len(found) != 1:
                raise SystemExit(
                    f"{july_name} ({july_code:05d}, province {province}) is not in today's list"
                )
            code = found[0]
            self.log.append(f"code {july_code:05d} {july_name} → {code:05d} in today's list")
            self.counts["target codes moved"] += 1
        self._moved[july_code] = code
        return code

    def run(self) -> dict:
        vp, vau = self.vp, self.vau
        july_names = {code: name for code, (name, _p) in vp["today"].items()}
        july_province = {code: p for code, (_n, p) in vp["today"].items()}
        vau_by_code = {int(r["wardCode"]): r for r in vau["old"].values() if r["wardCode"]}

        def targets_of(entry) -> list[int]:
            return [self.today_code(c, july_names[c], july_province[c]) for c, _p in entry[1]]

        def vau_main(old_code: int) -> int | None:
            row = vau_by_code.get(old_code)
            if row is None:
                return None
            key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"
            for new, main in vau["successors"].get(key, []):
                if main:
                    return int(new["wardCode"])
            return None

        old_to_new = dict(vp["old_to_new"])
        self._mend_typos(old_to_new, vau_by_code)
        districts: dict[int, tuple[str, int]] = dict(vp["districts"])
        communes = []
        for old_code, entry in sorted(old_to_new.items()):
            _code, district, province, _partly = entry[0]
            if district in vp["districts"] and vp["districts"][district][1] != province:
                # The table names the wrong province on a few rows; the district is right.
                self.log.append(
                    f"{old_code:05d}: province {province} → {vp['districts'][district][1]}"
                )
                self.counts["old province taken from the district"] += 1
                province = vp["districts"][district][1]
            july_targets = [c for c, _p in entry[1]]
            targets = targets_of(entry)
            if len(targets) > 1:
                self.counts["split"] += 1
                main = vau_main(old_code)
                own = self._name_keeper(old_code, july_targets, vau_by_code, vp)
                if own is not None:
                    pick = own
                    if main != july_targets[own]:
                        self.counts["split, main = the part that kept the name"] += 1
                        self.log.append(
                            f"main: {old_code:05d} → {july_names[july_targets[own]]}, "
                            "which kept its name"
                        )
                    else:
                        self.counts["split, main from vietnamadminunits"] += 1
                elif main in july_targets:
                    pick = july_targets.index(main)
                    self.counts["split, main from vietnamadminunits"] += 1
                elif old_code in july_targets:
                    pick = july_targets.index(old_code)
                    self.counts["split, main kept the old code"] += 1
                else:
                    pick = 0
                    self.counts["split, main = first in the official table"] += 1
                targets.insert(0, targets.pop(pick))
            # The name on the eve of the merger (vietnamadminunits), and the one in the
            # list of January 2025 when it differs: another spelling, or a commune that
            # changed district or kind in early 2025 (Xã Hồng Giang, huyện Lục Ngạn,
            # became Phường Hồng Giang, thị xã Chũ).
            names: list[tuple[str, int]] = []
            row = vau_by_code.get(old_code)
            official = vp["wards"].get(old_code)
            if row is not None:
                names.append((" ".join(row["ward"].split()), district))
                districts.setdefault(district, (row["district"], province))
            if official is not None:
                names.append((" ".join(official[0].split()), official[1]))
            if not names:
                raise SystemExit(f"no name for old commune {old_code:05d}")
            seen = set()
            for name, in_district in names:
                if (name_key(name), in_district) in seen:
                    continue
                if seen:
                    self.counts["also under its name of January 2025"] += 1
                seen.add((name_key(name), in_district))
                communes.append([old_code, name, in_district, province, targets])
            self.counts["old communes"] += 1
            if row is not None:
                self._check_vau(old_code, targets, row)

        # Islands: old districts without communes, today special zones.
        for key, parts in vau["successors"].items():
            _province, district_key, ward_key = key.split("_")
            if ward_key or district_key not in ISLANDS:
                continue
            sample = next(r for r in vau["old"].values() if r["districtKey"] == district_key)
            new = parts[0][0]
            target = self.today_code(int(new["wardCode"]), new["ward"], int(new["provinceCode"]))
            district = int(sample["districtCode"])
            province = int(sample["provinceCode"])
            districts.setdefault(district, (sample["district"], province))
            communes.append([None, sample["district"], None, province, [target]])
            self.counts["island districts"] += 1

        # Communes of the list of January 2025 dissolved before the merger.
        mapped = set(old_to_new)
        by_place = {}
        for code, entry in old_to_new.items():
            row = vau_by_code.get(code)
            if row is not None:
                by_place[(entry[0][1], name_key(row["ward"]))] = code
        for code, (name, district) in sorted(vp["wards"].items()):
            if code in mapped:
                continue
            twin = by_place.get((district, name_key(name)))
            if twin is None:
                self.counts["unresolved (dissolved before July 2025)"] += 1
                self.log.append(f"unresolved: {code:05d} {name}, {districts[district][0]}")
                continue
            entry = old_to_new[twin]
            targets = next(c[4] for c in communes if c[0] == twin)
            communes.append([code, name, district, entry[0][2], targets])
            self.counts["re-coded before July 2025"] += 1

        used = {d for c in communes for d in [c[2]] if d is not None}
        covered = {t for c in communes for t in c[4]}
        missing = sorted(set(self.today) - covered)
        if missing:
            raise SystemExit(f"today's communes with no predecessor: {missing}")
        provinces = []
        today_provinces = {p for _n, p in self.today.values()}
        for code, name in sorted(vp["provinces"].items()):
            # Where most of its communes went (the table's own province list names a
            # second province for the few rows it gives the wrong old province).
            went = collections.Counter(self.today[c[4][0]][1] for c in communes if c[3] == code)
            new = went.most_common(1)[0][0]
            if vp["province_to_new"][code] != [new]:
                self.log.append(f"province {code}: {vp['province_to_new'][code]} → {new}")
            if new not in today_provinces:
                raise SystemExit(f"old province {code} → {new}, not a province today")
            provinces.append([code, name, new])
        return {
            "provinces": provinces,
            "districts": [
                [code, name, province]
                for code, (name, province) in sorted(districts.items())
                if code in used
            ],
            "communes": communes,
        }

    @staticmethod
    def _name_keeper(old_code, july_targets, vau_by_code, vp) -> int | None:
        """The successor that carries the old commune's name on (the "phần còn lại" the
        resolutions speak of) is its main one."""
        row = vau_by_code.get(old_code)
        old_name = row["ward"] if row is not None else vp["wards"].get(old_code, ("",))[0]
        same = [
            i
            for i, code in enumerate(july_targets)
            if name_key(vp["today"][code][0]) == name_key(old_name)
        ]
        return same[0] if len(same) == 1 else None

    def _mend_typos(self, old_to_new: dict, vau_by_code: dict) -> None:
        """The official table writes two old communes with their neighbour's code
        (Xã Mỹ Hưng as 01615, Xã Hồng Quang's; Xã Phú Thịnh as 02485, Xã Công Đa's), so
        the neighbour looks split and the commune is missing. vietnamadminunits has
        both under their own codes: take its successors for the pair."""
        vau = self.vau

        def vau_targets(row) -> list[tuple[int, int]]:
            key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"
            return [
                (int(n["wardCode"]), int(n["provinceCode"]))
                for n, _main in vau["successors"].get(key, [])
            ]

        for code, row in sorted(vau_by_code.items()):
            if code in old_to_new:
                continue
            mine = vau_targets(row)
            twins = [
                other
                for other, entry in old_to_new.items()
                if entry[0][1] == int(row["districtCode"])
                and len(entry[1]) > 1
                and other in vau_by_code
                and set(mine) | set(vau_targets(vau_by_code[other])) == set(entry[1])
                and not set(mine) & set(vau_targets(vau_by_code[other]))
            ]
            if len(twins) != 1:
                continue
            twin = twins[0]
            (tcode, district, province, _partly), _targets = old_to_new[twin]
            theirs = vau_targets(vau_by_code[twin])
            old_to_new[twin] = ((tcode, district, province, len(theirs) > 1), tuple(theirs))
            old_to_new[code] = ((code, district, province, len(mine) > 1), tuple(mine))
            self.counts["official table mended (a code written twice)"] += 1
            self.log.append(
                f"mended: {code:05d} {row['ward']} was written as {twin:05d} "
                f"{vau_by_code[twin]['ward']} in the official table"
            )

    def _check_vau(self, old_code: int, targets: list[int], row: dict) -> None:
        key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"
        theirs = {
            self.today_code(int(n["wardCode"]), n["ward"], int(n["provinceCode"]))
            for n, _main in self.vau["successors"].get(key, [])
        }
        if theirs == set(targets):
            self.counts["agree with vietnamadminunits"] += 1
        else:
            self.counts["differ from vietnamadminunits (official table kept)"] += 1
            self.log.append(
                f"{old_code:05d} {row['ward']}: official {sorted(targets)}, "
                f"vietnamadminunits {sorted(theirs)}"
            )


def write(data: dict, about: dict, out: Path) -> None:
    """One record a line, so that a new release of the sources reads as a small diff."""
    dump = lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    lines = ["{", f'"about":{dump(about)},']
    for index, section in enumerate(("provinces", "districts", "communes")):
        lines.append(f'"{section}":[')
        rows = data[section]
        lines.extend(dump(r) + ("," if i < len(rows) - 1 else "") for i, r in enumerate(rows))
        lines.append("]," if index < 2 else "]")
    lines.append("}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("vietnamadminunits_wheel", type=Path)
    parser.add_argument("vietnam_provinces_wheel", type=Path)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    import vietnam_provinces

    today_data = json.loads(Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH).read_text("utf-8"))
    today = {w["code"]: (w["name"], p["code"]) for p in today_data for w in p["wards"]}
    vau = read_vietnamadminunits(args.vietnamadminunits_wheel)
    vp = read_vietnam_provinces(args.vietnam_provinces_wheel)
    build = Build(vau, vp, today)
    data = build.run()
    about = {
        "sources": [
            {
                "package": "vietnam-provinces",
                "version": vp["version"],
                "licence": "GPL-3.0-or-later",
                "used": "official conversion table of 1 July 2025 (statistics office), "
                "pre-2025 provinces, districts and communes (list of 2025-01-04)",
            },
            {
                "package": "vietnamadminunits",
                "version": vau["version"],
                "licence": "MIT, Copyright (c) 2025 Tran Ngoc Minh Hieu",
                "used": "names on the eve of the merger, main successor of a split commune",
            },
        ],
        "today": f"vietnam-provinces {vietnam_provinces.__version__}",
        "counts": dict(sorted(build.counts.items())),
    }
    write(data, about, args.out)
    for line in build.log:
        print(line, file=sys.stderr)
    for key, value in sorted(build.counts.items()):
        print(f"{key}: {value}")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
