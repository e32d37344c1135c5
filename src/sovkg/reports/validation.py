"""The validation report, for people (grouped by rule) and for machines (JSON)."""

from __future__ import annotations

import json
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
    if report.sources_dir is None:
        lines.append("Quotes were not checked: no sources folder found (set SOVKG_SOURCES).")
    else:
        lines.append(f"Quotes checked against the source texts: {report.quotes_checked}.")
    if report.support is not None:
        lines.extend(f"Warning: {warning}." for warning in report.support.warnings)
    return "\n".join(lines)


def as_json(report: Report, root: Path) -> str:
    return json.dumps({
        "conforms": report.conforms,
        "violation_count": len(report.violations),
        "quotes_checked": report.quotes_checked,
        "sources_checked": report.sources_dir is not None,
        "violations": [v.as_dict(root) for v in report.violations],
        "support": None if report.support is None else {
            "checked": report.support.checked, "exceptions": report.support.exceptions,
            "allowed": report.support.allowed, "warnings": report.support.warnings},
    }, indent=2, ensure_ascii=False)
