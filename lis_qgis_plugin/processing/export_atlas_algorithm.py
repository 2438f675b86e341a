"""lis:exportatlas - one print-ready profile page per area: map, key, indicator table, spine chart, sources.

A thin shell over core.atlas.atlas_pages (the atlas data, with each page's table and chart made
in advance) and layouts.atlas_layout (the print layout and the export): this module reads
the parameters, calls them, pushes the log and turns every input problem into a
QgsProcessingException that says what to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsProject,
    QgsVectorLayer,
)

from ..core.atlas.atlas_indicators import AtlasInputError
from ..core.atlas.atlas_pages import AtlasPages, footnote_text, needs_osm_attribution, prepare_atlas_pages
from ..core.io.layer_codes import layer_label
from ..core.io.layer_output import OutputError, check_output_is_new, folder_problem
from ..layouts.atlas_layout import (
    FORMATS,
    PAGE_SIZES,
    AtlasExport,
    TableFit,
    add_atlas_layers,
    configure_atlas_layout,
    export_atlas_files,
    export_atlas_pdf,
    item_size_mm,
    load_atlas_template,
    map_crs,
    remove_layers_of,
    text_scale,
)
from .lis_algorithm import LisAlgorithm
from .store_parameters import STORE, add_store_parameter, project_store_if_any, store_location

ON_ERROR_CHOICES = ("continue", "stop")
ATLAS_LAYER = "pages"


class ExportAtlasAlgorithm(LisAlgorithm):
    """Area profiles: an atlas page per ward, LSOA or catchment, exported to PDF or PNG."""

    GROUP_ID = "reports"
    GROUP = "Reports"  # translated by LisAlgorithm.group()
    COVERAGE = "COVERAGE"
    NAME_FIELD = "NAME_FIELD"
    CODE_FIELD = "CODE_FIELD"
    MAP_LAYERS = "MAP_LAYERS"
    INDICATORS = "INDICATORS"
    POPULATION_FIELD = "POPULATION_FIELD"
    ENGLAND_VALUES = "ENGLAND_VALUES"
    DISTRICT_NAME = "DISTRICT_NAME"
    TEMPLATE = "TEMPLATE"
    PAGE_SIZE = "PAGE_SIZE"
    FORMAT = "FORMAT"
    DPI = "DPI"
    ON_ERROR = "ON_ERROR"
    OUTPUT_PDF = "OUTPUT_PDF"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    ATLAS_DATA = "ATLAS_DATA"
    OUTPUT_PROJECT = "OUTPUT_PROJECT"
    PAGES = "PAGES"
    FAILED_PAGES = "FAILED_PAGES"
    LAYOUT = "LAYOUT"

    def name(self) -> str:
        return "exportatlas"

    def displayName(self) -> str:
        return self.tr("Export area profiles (atlas)")

    def flags(self) -> Qgis.ProcessingAlgorithmFlags:
        # Layouts belong to the project, which lives on the main thread (as QGIS's own layout exports).
        return super().flags() | Qgis.ProcessingAlgorithmFlag.NoThreading

    def shortHelpString(self) -> str:
        return self.tr(
            "Makes one print-ready profile page per area of the COVERAGE layer (wards, LSOAs, catchments) and "
            "exports them to one PDF (OUTPUT_PDF) or one file per area (OUTPUT_FOLDER, named "
            "CODE_name.pdf or .png, e.g. E05012633_braunston-martinsthorpe.png).\n\n"
            "Each page has the area's name, a map centred on it with the other areas greyed, a map locating it in "
            "the district, a key, scale bar and north arrow, a table of the INDICATORS and a spine chart, then the "
            "sources, attributions, date and page number.\n\n"
            "Table: the area's value, the district's, England's and the difference area - district, coloured and "
            "worded 'better' or 'worse' by the indicator's polarity. Labels, units and polarity come from the "
            "indicator metadata LIS stores with joined data (lis:joinindicators, lis:aggregateindicators); without "
            "it, the field's alias or name is the label and the difference is not judged; this difference is not "
            "tested.\n"
            "Significance against England, as Fingertips does it: under the area's value, its 95% confidence "
            "limits, as the source published them (the Fingertips CSV the indicators were joined from, beside the "
            "COVERAGE file) or computed from its count and denominator when the atlas knows them (Wilson score "
            "limits of proportions, Byar's of rates; the district's from its pooled counts); under England's value, "
            "'better', 'similar' or 'worse' (by the polarity; 'higher' or 'lower' without one) when England's value "
            "lies outside the limits, at 99.8% when it holds there too; 'not compared' without limits. The CSV's "
            "earlier periods give the recent trend (a chi-squared test for trend on the five latest counts): "
            "'increasing' or 'decreasing' only when significant. STORE (optional; empty: the project's store if it has "
            "one, else none): an indicator store whose "
            "figures win over the CSV's: each indicator is found in its catalogue by name (as lis:indicatorlayer "
            "labels it), with every area's limits, counts and earlier periods, and England's row (E92000001) as "
            "England's value unless ENGLAND_VALUES gives one. The page opens with a headline drawn from these flags "
            "and trends only.\n"
            "Numbers print with the unit of the metadata: a 'proportion' or 'share' of 0.7 as 70%, '%' as 70%, "
            "'per 1,000' as 12.3 per 1,000; counts with thousands separators.\n"
            "District value: the district's own row (its LAD code) of the Fingertips CSV the indicators were joined "
            "from, when it lies beside the COVERAGE file; else a count (unit 'count', or a sum made by "
            "lis:aggregateindicators) is the sum of the areas, shown but not compared; a share or average whose "
            "denominators are known (the measures of lis:deprivationsummary, and the ratios lis:aggregateindicators "
            "made with FIELDS_RATIO, from the sums of their denominators written beside them) is the sum of the "
            "numerators over the sum of the denominators, never a mean of the areas' ratios; any other value is the "
            "population-weighted mean of the areas, sum(p x v) / sum(p), when POPULATION_FIELD is given, otherwise "
            "their plain mean (the footnote says which).\n"
            "England value: what comes with the data (the IoD's share of LSOAs in England's most deprived 10%, "
            "floor(N / 10) of N; England's row, E92000001, of the Fingertips CSV the indicators were joined from, "
            "when it lies beside the COVERAGE file), and ENGLAND_VALUES, which wins: a CSV or XLSX with columns "
            "field and value (the field name, or the small-area field before aggregation: imd_score for "
            "imd_score_mean), or a Fingertips CSV with England's row. None otherwise.\n"
            "INDICATORS: codes, ids, coordinates (BNG_E, LAT...) and geometry measures (Shape__Area) are refused: "
            "they are not indicators.\n"
            "Spine chart: per indicator, the range of the areas (light band), their middle half (dark band), the "
            "district (spine), England (diamond) and the area (dot); worse to the left. When indicators were "
            "compared with England, England is the spine and the district the diamond, and the dot takes "
            "Fingertips' colour: green better, amber similar, red worse, blues higher/lower, white not compared.\n\n"
            "Everything a page shows is stored in a GeoPackage (ATLAS_DATA; by default beside the output): a copy "
            "of the areas with their values and each page's chart (an SVG, as a base64 picture source), and a "
            "table of the printed rows (one per area and indicator, numbers as text). The layout uses QGIS's own "
            "items, no HTML: an attribute table filtered to the page's area, a picture for the chart. It is "
            "added to the current project (edit it in the layout designer) and, with OUTPUT_PROJECT, saved in a "
            "project that renders the same in a QGIS without the LIS plugin.\n\n"
            "TEMPLATE: a .qpt of your own, with items whose ids are title (label), main_map (map), "
            "indicator_table (the frame of an attribute table), chart (picture) and footnote (label); subtitle, "
            "page_info, overview_map, legend, scalebar, north_arrow and chart_caption are filled when present. "
            "Empty: the LIS template in PAGE_SIZE.\n"
            "ON_ERROR: a page that fails (an area without geometry, a file that cannot be written) is named in the "
            "log and skipped ('continue') or ends the run ('stop')."
        )

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.COVERAGE,
                self.tr("Areas, one page each (wards, LSOAs, catchments) with the indicator values"),
                [Qgis.ProcessingSourceType.VectorPolygon],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.NAME_FIELD,
                self.tr("Area name field (empty: found automatically)"),
                parentLayerParameterName=self.COVERAGE,
                type=Qgis.ProcessingFieldParameterDataType.String,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.CODE_FIELD,
                self.tr("Area code field (empty: found automatically)"),
                parentLayerParameterName=self.COVERAGE,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.INDICATORS,
                self.tr("Indicators to tabulate and chart (numeric fields)"),
                parentLayerParameterName=self.COVERAGE,
                type=Qgis.ProcessingFieldParameterDataType.Numeric,
                allowMultiple=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterMultipleLayers(
                self.MAP_LAYERS,
                self.tr("Map layers, top first: service points, context, thematic layer (empty: the first indicator)"),
                Qgis.ProcessingSourceType.MapLayer,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.POPULATION_FIELD,
                self.tr("Population field (weights the district value; empty: plain mean of the areas)"),
                parentLayerParameterName=self.COVERAGE,
                type=Qgis.ProcessingFieldParameterDataType.Numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.ENGLAND_VALUES,
                self.tr("England values: CSV/XLSX with columns field, value, or a Fingertips CSV (optional)"),
                optional=True,
                fileFilter="Tables (*.csv *.tsv *.txt *.xlsx *.ods)",
            )
        )
        add_store_parameter(self)
        self.addParameter(
            QgsProcessingParameterString(
                self.DISTRICT_NAME,
                self.tr("District name for the comparator column (empty: from the layer, else 'District')"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.TEMPLATE,
                self.tr("Layout template (.qpt; empty: the LIS template)"),
                optional=True,
                # Any file: one that is not a template gets LIS's message naming it, not Processing's bare refusal.
                fileFilter="QGIS layout templates (*.qpt);;All files (*)",
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(self.PAGE_SIZE, self.tr("Page size (LIS template)"), list(PAGE_SIZES), False, 0)
        )
        self.addParameter(QgsProcessingParameterEnum(self.FORMAT, self.tr("Format"), list(FORMATS), False, 0))
        self.addParameter(
            QgsProcessingParameterNumber(
                self.DPI, self.tr("Resolution (dpi)"), Qgis.ProcessingNumberParameterType.Integer, 150, False, 30, 600
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(self.ON_ERROR, self.tr("When a page fails"), list(ON_ERROR_CHOICES), False, 0)
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_PDF,
                self.tr("One PDF with every page"),
                "PDF files (*.pdf)",
                optional=True,
                createByDefault=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterFolderDestination(
                self.OUTPUT_FOLDER,
                self.tr("Or a folder: one file per area (<code>_<name>.pdf or .png)"),
                optional=True,
                createByDefault=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.ATLAS_DATA,
                self.tr("Atlas data GeoPackage (empty: beside the output)"),
                "GeoPackage (*.gpkg)",
                optional=True,
                createByDefault=False,
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_PROJECT,
                self.tr("Also save a project with the layout (opens without the plugin)"),
                "QGIS projects (*.qgz)",
                optional=True,
                createByDefault=False,
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.PAGES, self.tr("Pages exported")))
        self.addOutput(QgsProcessingOutputNumber(self.FAILED_PAGES, self.tr("Pages that failed")))
        self.addOutput(QgsProcessingOutputString(self.LAYOUT, self.tr("Layout name")))

    def process(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> dict[str, Any]:
        coverage = self.input_layer(parameters, self.COVERAGE, context)
        map_layers = self.parameterAsLayerList(parameters, self.MAP_LAYERS, context)
        image_format = FORMATS[self.parameterAsEnum(parameters, self.FORMAT, context)]
        pdf = self.parameterAsFileOutput(parameters, self.OUTPUT_PDF, context).strip()
        folder = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context).strip()
        if parameters.get(self.OUTPUT_FOLDER) in (None, "") or folder == "TEMPORARY_OUTPUT":
            folder = ""
        data = self.parameterAsFileOutput(parameters, self.ATLAS_DATA, context).strip()
        project_file = self.parameterAsFileOutput(parameters, self.OUTPUT_PROJECT, context).strip()
        england = self.parameterAsFile(parameters, self.ENGLAND_VALUES, context).strip()
        template = self.parameterAsFile(parameters, self.TEMPLATE, context).strip()
        options = {
            "indicators": self.parameterAsStrings(parameters, self.INDICATORS, context),
            "name_field": self.parameterAsString(parameters, self.NAME_FIELD, context),
            "code_field": self.parameterAsString(parameters, self.CODE_FIELD, context),
            "population_field": self.parameterAsString(parameters, self.POPULATION_FIELD, context),
            "district_name": self.parameterAsString(parameters, self.DISTRICT_NAME, context),
            "page_size": PAGE_SIZES[self.parameterAsEnum(parameters, self.PAGE_SIZE, context)],
            "dpi": self.parameterAsInt(parameters, self.DPI, context),
            "stop": ON_ERROR_CHOICES[self.parameterAsEnum(parameters, self.ON_ERROR, context)] == "stop",
            "store": self.parameterAsString(parameters, STORE, context).strip(),
        }
        pages, exported, layout_name, data_path, fit = self._export(
            coverage, map_layers, image_format, pdf, folder, data, project_file, england, template, options, context,
            feedback,
        )  # fmt: skip
        self.push_log(feedback, pages.log)
        if not fit.fits:
            feedback.pushWarning(
                self.tr(
                    "{0} indicators do not fit the table of the page even at {1} pt: the table needs {2:.0f} mm, its "
                    "frame is {3:.0f} mm tall, so the last rows are cut. Choose fewer INDICATORS, a larger PAGE_SIZE, "
                    "or a template with a taller indicator_table."
                ).format(len(pages.indicators), fit.font_pt, fit.height_mm, fit.frame_height_mm)
            )
        for failure in exported.failures:
            feedback.pushWarning(failure)
        where = pdf or folder
        feedback.pushInfo(
            self.tr("Exported {0} pages to {1}; the layout '{2}' reads {3}.").format(
                exported.pages, where, layout_name, data_path
            )
        )
        return {
            self.OUTPUT_PDF: pdf or None,
            self.OUTPUT_FOLDER: folder or None,
            self.ATLAS_DATA: str(data_path),
            self.OUTPUT_PROJECT: project_file or None,
            self.PAGES: exported.pages,
            self.FAILED_PAGES: len(pages.failures) + len(exported.failures),
            self.LAYOUT: layout_name,
        }

    def _export(
        self,
        coverage: QgsVectorLayer,
        map_layers: list,
        image_format: str,
        pdf: str,
        folder: str,
        data: str,
        project_file: str,
        england: str,
        template: str,
        options: dict[str, Any],
        context: QgsProcessingContext,
        feedback: QgsProcessingFeedback,
    ) -> tuple[AtlasPages, AtlasExport, str, Path, TableFit]:
        """Check the outputs, write the atlas data, build the layout in the project, export, save the project."""
        inputs = [coverage, Path(england) if england else None, Path(template) if template else None]
        target = _check_outputs(pdf, folder, image_format, inputs)
        data_path = Path(data) if data else _default_data_path(target, bool(pdf))
        _check_output_file(data_path, self.ATLAS_DATA, inputs)
        if project_file:
            _check_output_file(Path(project_file), self.OUTPUT_PROJECT, inputs)
        steps = QgsProcessingMultiStepFeedback(2, feedback)
        own_project = context.project() is None
        project = QgsProject() if own_project else context.project()
        template_path = Path(template) if template else None
        layout = load_atlas_template(project, template_path, options["page_size"])
        scale = text_scale(layout, template_path)
        if template:
            feedback.pushInfo(self.tr("TEMPLATE {0} sets the page size: PAGE_SIZE is not used.").format(template))
        layout_name = f"Area profiles: {layer_label(coverage)}"
        remove_layers_of(project, data_path)
        pages = prepare_atlas_pages(
            coverage,
            f"{data_path}|layername={ATLAS_LAYER}",
            options["indicators"],
            name_field=options["name_field"] or None,
            code_field=options["code_field"] or None,
            population_field=options["population_field"] or None,
            england_file=Path(england) if england else None,
            district_name=options["district_name"] or "",
            stop_on_error=options["stop"],
            chart_size_mm=item_size_mm(layout, "chart"),
            text_scale=scale,
            feedback=steps,
            store=store_location(options["store"]) if options["store"] else project_store_if_any(),
        )
        if not pages.count:
            raise AtlasInputError(
                f"COVERAGE: no area of '{layer_label(coverage)}' can be printed: "
                f"{'; '.join(failure.describe() for failure in pages.failures)}"
            )
        osm = needs_osm_attribution(
            [text for layer in (coverage, *map_layers) for text in (layer.name(), layer.source())]
        )
        footnote = footnote_text(pages, osm)
        fit = _fill_layout(project, layout, pages, map_layers, layout_name, footnote, scale)
        steps.setCurrentStep(1)
        if pdf:
            exported = export_atlas_pdf(layout, Path(pdf), options["dpi"], steps)
        else:
            exported = export_atlas_files(layout, Path(folder), image_format, options["dpi"], options["stop"], steps)
        if project_file:
            saved = project if own_project else QgsProject()
            if not own_project:
                copy = load_atlas_template(saved, template_path, options["page_size"])
                _fill_layout(saved, copy, pages, map_layers, layout_name, footnote, scale)
            if not saved.write(project_file):
                raise OutputError(f"OUTPUT_PROJECT: cannot save {project_file} ({saved.error()}).")
        return pages, exported, layout_name, data_path, fit


def _fill_layout(
    project: QgsProject,
    layout: Any,
    pages: AtlasPages,
    map_layers: list,
    layout_name: str,
    footnote: str,
    scale: float,
) -> TableFit:
    """Add the atlas layers to ``project``, point the layout at them and put it in the project's layouts."""
    layers = add_atlas_layers(project, pages, map_layers, layout_name)
    fit = configure_atlas_layout(layout, pages, layers, map_crs(project, layers.coverage), layout_name, footnote, scale)
    manager = project.layoutManager()
    old = manager.layoutByName(layout_name)
    if old is not None:
        manager.removeLayout(old)
    manager.addLayout(layout)
    return fit


def _check_outputs(pdf: str, folder: str, image_format: str, inputs: list[Any]) -> Path:
    """The one output chosen: a PDF file or a folder; AtlasInputError when none, both, PNG into one file, or
    an output that cannot be written (checked before any work)."""
    if pdf and folder:
        raise AtlasInputError(
            "OUTPUT_PDF and OUTPUT_FOLDER are both set: choose one PDF with every page, or a folder with one file "
            "per area."
        )
    if not pdf and not folder:
        raise AtlasInputError(
            "No output chosen: set OUTPUT_PDF (one PDF with every page) or OUTPUT_FOLDER (one file per area)."
        )
    if pdf and image_format == "PNG":
        raise AtlasInputError(
            "FORMAT is PNG, which makes one image per area: choose OUTPUT_FOLDER instead of OUTPUT_PDF, or FORMAT PDF."
        )
    if pdf and not pdf.lower().endswith(".pdf"):
        raise AtlasInputError(f"OUTPUT_PDF: {pdf} does not end in .pdf. Choose a PDF file name.")
    if pdf:
        _check_output_file(Path(pdf), "OUTPUT_PDF", inputs)
    else:
        _check_writable(Path(folder), "OUTPUT_FOLDER")
    return Path(pdf) if pdf else Path(folder)


def _check_output_file(path: Path, parameter: str, inputs: list[Any]) -> None:
    """The shared output check (not an input, not a folder, writable), then the file's folder made and probed."""
    try:
        check_output_is_new(path, inputs)
    except OutputError as error:
        raise AtlasInputError(f"{parameter}: {error}") from None
    _check_writable(path.parent, parameter)


def _check_writable(folder: Path, parameter: str) -> None:
    """AtlasInputError naming ``folder`` when no file can be written in it; otherwise make it (the export needs it)."""
    problem = folder_problem(folder)
    if problem is None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            problem = error.strerror or str(error)
    if problem:
        raise AtlasInputError(
            f"{parameter}: cannot write into the folder '{folder}' ({problem}). Choose a folder you can write to."
        )


def _default_data_path(target: Path, is_pdf: bool) -> Path:
    """Beside the output: 'profiles.pdf' -> 'profiles_atlas.gpkg'; a folder -> 'folder/atlas_pages.gpkg'."""
    return target.with_name(f"{target.stem}_atlas.gpkg") if is_pdf else target / "atlas_pages.gpkg"
