"""The validation report, for people (grouped by rule) and for machines (JSON)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sovkg.build.validate import Report


def _where(violation_location: object, root: Path) -> str:
    if violation_location is None:
        return "(location unknown)"
    path = violation_location.path  # type: ignore[attr-defined]
    if path.is_relative_to(root):
        path = path.relative_to(root)
    return f"{path}:{violation_location.line}"  # type: ignore[attr-defined]


def as_text(report: Report, root: Path) -> str:
    lines: list[str] = []
    if report.conforms:
        lines.append("Conforms: every shape, check and vocabulary rule holds.")
    else:
        lines.append(f"Does not conform: {len(report.violations)} violation(s).")
        for rule, violations in sorted(report.by_rule().items()):
            lines.append("")
            lines.append(f"== {rule} ({len(violations)})")
            for v in violations:
                name = f"{v.focus_label} <{v.focus}>" if v.focus_label else f"<{v.focus}>"
                lines.append(f"{_where(v.location, root)}: {name}")
                detail = f"    {v.message}"
                if v.path:
                    detail += f"  [path: {v.path}"
                    detail += f"; value: {v.value}]" if v.value is not None else "]"
                elif v.value is not None:
                    detail += f"  [value: {v.value}]"
                lines.append(detail)
    lines.append(f"Quotes checked against the source texts: {report.quotes_checked}.")
    warning = quote_warning(report, root)
    if warning:
        lines.append(warning)
    if report.support is not None:
        lines.extend(f"Warning: {warning}." for warning in report.support.warnings)
    return "\n".join(lines)


def quote_warning(report: Report, root: Path) -> str | None:
    """A loud warning when some quotes could not be checked, saying how to fix it; None if all were."""
    if not report.unchecked:
        return None
    searched = ", ".join(_shown(p, root) for p in report.sources) or "none found"
    files = sorted(report.unchecked)
    shown = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
    return (f"WARNING: {report.quotes_unchecked} quote(s) were NOT checked: the texts of {len(files)} source(s) "
            f"({shown}) are in none of the sources folders searched ({searched}).\n"
            f"  To check them, put those texts in {_shown(root / 'sources', root)}/ or set SOVKG_SOURCES to the "
            f"folder(s) holding them (several separated by {os.pathsep!r}).")


def _shown(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def as_json(report: Report, root: Path) -> str:
    return json.dumps({
        "conforms": report.conforms,
        "violation_count": len(report.violations),
        "quotes_checked": report.quotes_checked,
        "quotes_unchecked": report.quotes_unchecked,
        "sources_checked": bool(report.sources),  # False: no sources folder, quotes and locators unchecked
        "sources_missing": sorted(report.unchecked),
        "violations": [v.as_dict(root) for v in report.violations],
        "support": None if report.support is None else {
            "checked": report.support.checked, "exceptions": report.support.exceptions,
            "allowed": report.support.allowed, "warnings": report.support.warnings},
    }, indent=2, ensure_ascii=False)
