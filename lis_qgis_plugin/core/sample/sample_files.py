"""Write the synthetic sample district to disk: one GeoPackage plus messy indicator tables.

The tables are deliberately as awkward as the real ones analysts get: a UTF-8 BOM,
Windows line ends, ranks and populations with thousands separators, suppressed
values shown as ``*``, and an Excel sheet whose header sits below a title block.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common.plugin_files import style_path
from ..io.gpkg_writer import store_default_style, write_tables
from .sample_district import (
    DISTRICT_CODE,
    DISTRICT_NAME,
    ProgressCallback,
    SampleDistrict,
    SampleSpec,
    generate_sample_district,
)

GEOPACKAGE_NAME = "lisford_sample.gpkg"
IMD_CSV_NAME = "lisford_imd2019_file1.csv"
HEALTH_CSV_NAME = "lisford_health_indicators.csv"
HEALTH_XLSX_NAME = "lisford_health_indicators.xlsx"
SUPPRESSED = "*"

#: Column headings of IoD2019 File 1, so tools proven on the sample also read the real file.
IMD_FILE1_HEADER = [
    "LSOA code (2011)",
    "LSOA name (2011)",
    "Local Authority District code (2019)",
    "Local Authority District name (2019)",
    "Index of Multiple Deprivation (IMD) Rank",
    "Index of Multiple Deprivation (IMD) Decile",
]
HEALTH_COLUMNS = [
    ("lsoa_code", "LSOA code"),
    ("lsoa_name", "LSOA name"),
    ("population", "Population (mid-2023)"),
    ("emergency_admissions", "Emergency admissions (count)"),
    ("emergency_admissions_rate", "Emergency admissions per 1,000"),
    ("year6_measured", "Year 6 children measured"),
    ("year6_obese_pct", "Year 6 obesity (%)"),
    ("smoking_pct", "Smoking prevalence (%)"),
]
HEALTH_METADATA = [
    ("Indicator", "Source", "Period", "Unit", "Polarity"),
    ("Population (mid-2023)", "LIS synthetic sample", "2023", "persons", "neutral"),
    ("Emergency admissions (count)", "LIS synthetic sample", "2022/23", "admissions", "higher is worse"),
    ("Emergency admissions per 1,000", "LIS synthetic sample", "2022/23", "per 1,000 population", "higher is worse"),
    ("Year 6 children measured", "LIS synthetic sample", "2022/23", "children", "neutral"),
    ("Year 6 obesity (%)", "LIS synthetic sample", "2022/23", "%", "higher is worse"),
    ("Smoking prevalence (%)", "LIS synthetic sample", "2023", "%", "higher is worse"),
]
#: The health workbook's "Over time" sheet: Fingertips' long layout, two periods (the earlier first).
TREND_SHEET = "Over time"
TREND_PERIODS = ("2021/22", "2022/23")
TREND_HEADER = [
    "Indicator ID", "Indicator Name", "Area Code", "Area Name", "Area Type", "Sex", "Age", "Time period",
    "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Count", "Denominator", "Value note",
]  # fmt: skip
#: Indicator id, name, value key, count key, denominator key, age of each trend indicator.
TREND_INDICATORS = [
    (93001, "Emergency admissions per 1,000", "emergency_admissions_rate", "emergency_admissions", "population",
     "All ages"),
    (93002, "Year 6 obesity (%)", "year6_obese_pct", "year6_obese", "year6_measured", "10-11 yrs"),
    (93003, "Smoking prevalence (%)", "smoking_pct", None, None, "18+ yrs"),
]  # fmt: skip
SUPPRESSED_NOTE = "Value suppressed for disclosure control due to small count"
#: Fixed document dates keep the XLSX's properties identical from run to run.
_XLSX_DATE = datetime.datetime(2024, 1, 1)


@dataclass(frozen=True)
class SampleFiles:
    """Where the sample was written."""

    folder: Path
    geopackage: Path
    imd_csv: Path
    health_csv: Path
    health_xlsx: Path

    def all_files(self) -> list[Path]:
        """Every file written, GeoPackage first."""
        return [self.geopackage, self.imd_csv, self.health_csv, self.health_xlsx]


def write_sample_district(
    folder: Path, spec: SampleSpec | None = None, progress: ProgressCallback | None = None
) -> SampleFiles:
    """Generate the sample district and write all its files into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    district = generate_sample_district(spec or SampleSpec(), progress)
    if progress:
        progress(95, f"Writing {GEOPACKAGE_NAME} and indicator tables")
    geopackage = write_tables(folder / GEOPACKAGE_NAME, district.layers)
    for table in district.layers:
        qml = style_path(table.name)
        if qml is not None:
            store_default_style(geopackage, table.name, qml)
    files = SampleFiles(
        folder=folder,
        geopackage=geopackage,
        imd_csv=_write_imd_csv(folder / IMD_CSV_NAME, district),
        health_csv=_write_health_csv(folder / HEALTH_CSV_NAME, district),
        health_xlsx=_write_health_xlsx(folder / HEALTH_XLSX_NAME, district),
    )
    if progress:
        progress(100, "Sample district written")
    return files


def _thousands(value: int) -> str:
    """``29199`` -> ``"29,199"``, as MHCLG's and ONS's CSV exports print counts."""
    return f"{value:,}"


def _write_imd_csv(path: Path, district: SampleDistrict) -> Path:
    """IMD ranks and deciles shaped exactly like IoD2019 File 1 (BOM, CRLF, ``"29,199"``)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(IMD_FILE1_HEADER)
        for area in district.layer("small_areas").rows:
            writer.writerow([
                area["lsoa_code"], area["lsoa_name"], DISTRICT_CODE, DISTRICT_NAME,
                _thousands(area["imd_rank"]), area["imd_decile"],
            ])  # fmt: skip
    return path


def _health_cells(row: dict) -> list:
    """One table row: counts with thousands separators, suppressed values as ``*``."""
    cells = []
    for key, _ in HEALTH_COLUMNS:
        value = row[key]
        if value is None:
            cells.append(SUPPRESSED)
        elif key == "population":
            cells.append(_thousands(value))
        else:
            cells.append(value)
    return cells


def _write_health_csv(path: Path, district: SampleDistrict) -> Path:
    """Health indicators as a UTF-8-with-BOM CSV, as Excel's 'CSV UTF-8' saves it."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([label for _, label in HEALTH_COLUMNS])
        writer.writerows(_health_cells(row) for row in district.indicator_rows)
    return path


def _write_health_xlsx(path: Path, district: SampleDistrict) -> Path:
    """Health indicators as a workbook: a title block above the header, plus a metadata sheet."""
    from openpyxl import Workbook  # heavy: imported only when a sample is written

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Indicators"
    sheet.append([f"{DISTRICT_NAME} health indicators by small area (synthetic sample)"])
    sheet.append(
        [f"Made by the LIS plugin's sample generator, seed {district.spec.seed}. Suppressed values: {SUPPRESSED}"]
    )
    sheet.append([])
    sheet.append([label for _, label in HEALTH_COLUMNS])
    for row in district.indicator_rows:
        sheet.append(_health_cells(row))
    _write_trend_sheet(workbook.create_sheet(TREND_SHEET), district)
    metadata = workbook.create_sheet("Metadata")
    for entry in HEALTH_METADATA:
        metadata.append(list(entry))
    workbook.properties.creator = "LIS plugin sample generator"
    workbook.properties.created = _XLSX_DATE
    workbook.properties.modified = _XLSX_DATE
    workbook.save(path)
    return path


def _write_trend_sheet(sheet: Any, district: SampleDistrict) -> None:
    """Three indicators for two periods, laid out as a Fingertips download (no limits: the source gives none)."""
    sheet.append(TREND_HEADER)
    for indicator_id, name, value_key, count_key, denominator_key, age in TREND_INDICATORS:
        for period, rows in zip(TREND_PERIODS, (district.earlier_indicator_rows, district.indicator_rows)):
            for row in rows:
                value = row[value_key]
                sheet.append([
                    indicator_id, name, row["lsoa_code"], row["lsoa_name"], "LSOA", "Persons", age, period,
                    value, None, None, row[count_key] if count_key else None,
                    row[denominator_key] if denominator_key else None, SUPPRESSED_NOTE if value is None else None,
                ])  # fmt: skip
