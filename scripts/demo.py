"""`make demo`: run every LIS pipeline step that exists on the embedded sample district.

Writes ``out/demo/`` with the sample data, a QGIS project whose layers all read
from GeoPackage, and a rendered map, then says what it wrote.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PROJECT_NAME = "lis_demo.qgz"
MAP_NAME = "lisford_imd_deciles.png"


def run_demo(out_dir: Path, seed: int = 1) -> dict[str, Path]:
    """Run the demo pipeline into ``out_dir``; QGIS and the LIS provider must already be running."""
    import processing

    from lis_qgis_plugin.core.deprivation import population_share_in_deciles
    from lis_qgis_plugin.core.sample_files import SampleFiles
    from lis_qgis_plugin.core.sample_project import build_sample_project, load_sample_layers
    from lis_qgis_plugin.layouts.map_image import render_map_png

    out_dir = Path(out_dir).resolve()
    result = processing.run("lis:createsample", {"SEED": seed, "OUTPUT_FOLDER": str(out_dir / "sample")})
    files = SampleFiles(
        folder=Path(result["OUTPUT_FOLDER"]),
        geopackage=Path(result["GEOPACKAGE"]),
        imd_csv=Path(result["IMD_CSV"]),
        health_csv=Path(result["HEALTH_CSV"]),
        health_xlsx=Path(result["HEALTH_XLSX"]),
    )
    project_path = out_dir / PROJECT_NAME
    build_sample_project(files, project_path)
    layers = [
        layer for layer in load_sample_layers(files.geopackage) if layer.name() != "Population-weighted centroids"
    ]
    district = next(layer for layer in layers if layer.name() == "District boundary")
    map_path = render_map_png(layers, out_dir / MAP_NAME, district.extent())

    small_areas = next(layer for layer in layers if layer.name().startswith("Small areas"))
    features = list(small_areas.getFeatures())
    share = population_share_in_deciles([f["imd_decile"] for f in features], [f["pop_total"] for f in features])
    print(
        f"{share:.0%} of Lisford's {sum(f['pop_total'] for f in features):,} residents live in England's most "
        f"deprived tenth of neighbourhoods (synthetic sample, {len(features)} small areas)."
    )
    outputs = {"project": project_path, "map": map_path, **{p.name: p for p in files.all_files()}}
    print("The demo wrote:")
    for label, path in outputs.items():
        print(f"  {label:<34} {path}")
    print(f"Open it in QGIS: qgis {project_path}")
    return outputs


def main() -> int:
    """Start QGIS headless, run the demo, stop QGIS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "out" / "demo")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from lis_qgis_plugin.core.qgis_session import start_qgis_with_lis

    app = start_qgis_with_lis()
    try:
        run_demo(args.out, args.seed)
    finally:
        app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
