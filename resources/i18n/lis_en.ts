<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="en">
<context>
    <name>Accessibility2sfcaAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/accessibility_2sfca_algorithm.py" line="49"/>
        <source>Accessibility score (2SFCA / E2SFCA)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/accessibility_2sfca_algorithm.py" line="52"/>
        <source>Scores every small area for how much service capacity (GPs, beds, places) its people can reach on the road network, sharing each facility's capacity among everyone who can reach it: the two-step floating catchment area method (2SFCA).

Step 1: each facility's capacity is divided by the population of the areas within reach of it. Step 2: each area adds up the shares of the facilities it reaches. The score is capacity per person (also given per 1,000 people); the population-weighted total of the scores equals the capacity of the facilities anyone reaches.

Bands: one limit (such as 10) is plain 2SFCA; several limits with weights (bands 5,10,15 and weights 1,0.6,0.2) is the enhanced method (E2SFCA), where farther facilities count less. Limits are minutes when the cost is time and metres when it is distance.

Travel is measured FROM each area TO the facility (one-way streets are followed in that direction), from the road nearest each point; the short walk from a point to its road is not counted. Areas given as polygons are placed at their point on surface; population-weighted centroids are better when you have them.

The network is a line layer of roads (OpenStreetMap highways, or any lines: then a speed field or a default speed applies) or an .osm.pbf file. Built networks are cached, so the next run is faster.

The output GeoPackage has every demand feature with access_score, access_per_1000 and facilities_reached. The log names the areas with the lowest and highest access, the areas that reach no facility and the facilities nobody reaches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/accessibility_2sfca_algorithm.py" line="77"/>
        <source>Facilities (points)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/accessibility_2sfca_algorithm.py" line="83"/>
        <source>Capacity of each facility (GPs, beds, places...)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/accessibility_2sfca_algorithm.py" line="91"/>
        <source>Small areas with population (points, or polygons: point on surface)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/accessibility_2sfca_algorithm.py" line="98"/>
        <source>Population field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/accessibility_2sfca_algorithm.py" line="103"/>
        <source>Road network (line layer; or give an .osm.pbf file below)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/accessibility_2sfca_algorithm.py" line="104"/>
        <source>Travel mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/accessibility_2sfca_algorithm.py" line="107"/>
        <source>Travel cost (time: bands in minutes; distance: in metres)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/accessibility_2sfca_algorithm.py" line="112"/>
        <source>Travel bands: one limit (2SFCA) or several, such as 5,10,15</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/accessibility_2sfca_algorithm.py" line="118"/>
        <source>Weight of each band, such as 1,0.6,0.2 (E2SFCA; empty: all 1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/accessibility_2sfca_algorithm.py" line="123"/>
        <source>Accessibility scores (GeoPackage)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/accessibility_2sfca_algorithm.py" line="125"/>
        <source>Areas that reach no facility</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/accessibility_2sfca_algorithm.py" line="126"/>
        <source>Facilities nobody reaches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/accessibility_2sfca_algorithm.py" line="164"/>
        <source>Wrote {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/accessibility_2sfca_algorithm.py" line="166"/>
        <source>{0} – 2SFCA access, {1} {2} {3}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AddBoundarySetAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="43"/>
        <source>Add a boundary set to the store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="46"/>
        <source>Copies a polygon layer (features, fields and geometries) into the indicator store as a named boundary set, e.g. 'LSOA 2021', with its geography and vintage: a layer of the store's GeoPackage, or a table in the PostGIS store's schema. 'Indicator layer from the store' then joins indicators onto it by name. Geography and vintage are read from the codes and the code field's name (LSOA21CD) unless given. Adding a set of the same name again replaces it. The input layer is only read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="58"/>
        <source>Boundaries (polygon layer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="61"/>
        <source>Name of the set (e.g. LSOA 2021)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="64"/>
        <source>Geography (e.g. LSOA, ward; empty: from the codes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="69"/>
        <source>Vintage (e.g. 2021; empty: from the code field)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="75"/>
        <source>Code field (empty: find it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="81"/>
        <source>Boundaries stored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="82"/>
        <source>Layer of the store holding them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="99"/>
        <source>Boundary set '{0}': {1} {2} {3} areas (codes in {4}), stored as {5}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AddLookupAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="129"/>
        <source>Add a code lookup to the store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="132"/>
        <source>Puts a lookup table (CSV, XLSX, ODS) of area codes into the indicator store: from one geography and vintage to another, such as LSOA 2011 to LSOA 2021 or LSOA 2011 to ward 2025, exact or best-fit. 'Indicator layer from the store' uses it to place indicators published for one set of areas onto boundaries of the other, with the conversion and report of 'Join indicators to boundaries'.

The two code columns are the leftmost ones whose codes and names fit the geographies and vintages given (LSOA11CD, LSOA21CD), unless named. Adding a lookup between the same two editions again replaces it. The file is only read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="144"/>
        <source>Lookup table (e.g. LSOA11CD to LSOA21CD)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="148"/>
        <source>Sheet (workbooks; empty: first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="151"/>
        <source>From geography (e.g. LSOA; empty: from the codes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="152"/>
        <source>From vintage (e.g. 2011; empty: from the column name)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="153"/>
        <source>To geography (e.g. LSOA, ward; empty: from the codes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="154"/>
        <source>To vintage (e.g. 2021; empty: from the column name)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="155"/>
        <source>From code column (empty: find it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="156"/>
        <source>To code column (empty: find it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="157"/>
        <source>Weight column (share of area or population; optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="163"/>
        <source>Kind of lookup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="164"/>
        <source>From the file name (best-fit when it says so)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="164"/>
        <source>Exact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="164"/>
        <source>Best-fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="168"/>
        <source>Code pairs stored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_boundaries_algorithm.py" line="189"/>
        <source>Lookup {0} to {1} ({2}): {3} code pairs stored.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AddToStoreAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="63"/>
        <source>Add indicators to the store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="66"/>
        <source>Puts an indicator table into the indicator store, every period and interval kept, so every later map and report starts from the store instead of files.

SOURCE 0 reads the TABLE file (CSV, XLSX or ODS). A wide table (one row per area, one column per indicator) adds each numeric column, or the FIELDS chosen (separated by ;), as an indicator with one PERIOD (IoD files are recognised by their name: IMD2019, IoD2025). A long table (Fingertips' shape: Indicator ID, Area Code, Time period, Value, the 95% and 99.8% limits, Count, Denominator, Sex, Age, Value note; or Indicator, period and value columns) adds every indicator with all its periods; a Fingertips Category breakdown (e.g. deprivation deciles) becomes an indicator of its own.

SOURCE 1-3 downloads from Fingertips, Nomis or a web address first, with the parameters of 'Load indicators'; the query is kept so 'Update the indicator store' can ask again.

Indicator ids are ID_PREFIX (default: iod2019, fingertips, nomis or the file's name) and the column or indicator. Geography and boundary vintage come from the codes where they tell; NAME, UNIT, POLARITY, SOURCE_NAME, LICENCE, GEOGRAPHY and VINTAGE fill in what the data does not say. Adding the same data again updates the stored values, never duplicates them; the REPORT says which values were new and which updated, and lists suppressed, empty and unreadable cells by row, as the join does.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="86"/>
        <source>The table file (TABLE)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="87"/>
        <source>Indicator table (CSV, XLSX or ODS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="91"/>
        <source>Sheet (workbooks; empty: first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="92"/>
        <source>Code column in the table (empty: find it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="93"/>
        <source>Columns or indicators to add, separated by ; (empty: all numeric)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="94"/>
        <source>Period of a wide table's values (e.g. 2019, 2022/23; IoD files: their year)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="99"/>
        <source>Indicator name (empty: the column's or the source's)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="100"/>
        <source>Id prefix of the indicators (empty: from the file or source)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="101"/>
        <source>Unit (e.g. %, per 100,000)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="106"/>
        <source>Polarity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="107"/>
        <source>From the data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="107"/>
        <source>Higher is better</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="107"/>
        <source>Higher is worse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="107"/>
        <source>Neutral</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="112"/>
        <source>Source (publisher) of the data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="113"/>
        <source>Licence (e.g. Open Government Licence v3.0)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="115"/>
        <source>Geography (empty: from the codes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="116"/>
        <source>Boundary vintage (empty: from the codes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="125"/>
        <source>Report (HTML)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="128"/>
        <source>Values added or updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="129"/>
        <source>Indicator ids (comma-separated)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/add_to_store_algorithm.py" line="172"/>
        <source>TABLE: choose the table file to add (or choose an online SOURCE).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AggregateIndicatorsAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="59"/>
        <source>Aggregate indicators to larger areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="62"/>
        <source>Aggregates values of small areas (for example LSOAs) to larger areas: wards, MSOAs, districts, or polygons you drew.

Each small area goes to one target area:
- with a lookup file (CSV or XLSX, small-area code -&gt; target code, such as a best-fit LSOA to ward lookup), through the lookup. Its two code columns are found automatically;
- without one, by location: the target polygon that contains the small area's point on surface (a point always inside it), or its point in the centroids layer when you give one (one point per small area with the same codes, such as population-weighted centroids: areas split by a boundary go where their people live). Layers in different CRSs are handled.

Choose how each field is aggregated: sum for counts (population, cases), mean, minimum, maximum, and population-weighted mean for rates, scores and ranks (choose the population field as weight). NULL values are left out and never count as 0; a target whose small areas all have NULL gets NULL.

A rate or share whose counts are known is best made as a ratio of sums: FIELDS_RATIO takes numerator/denominator pairs of field names, optionally with *100 (a percentage) or *1000 (per 1,000), separated by commas or new lines, for example pop_60plus_mid2015/pop_total_mid2015*100. Each target gets sum of numerators / sum of denominators over its small areas with both values, never a mean of the small areas' ratios, in a field NUMERATOR_per_DENOMINATOR (NUMERATOR_pct_DENOMINATOR for *100, NUMERATOR_per1000_DENOMINATOR for *1000), with the sums of both fields; small areas missing either value are left out of the ratio and named (then RATIO_den holds the sum of the denominator over the areas used); a target whose denominators add up to 0 gets NULL and is named in the log. The unit (%, per 1,000 or proportion) and the numerator and denominator are stored in the GeoPackage, so lis:exportatlas makes the district's value the same way.

The output GeoPackage has every target area with its fields, n_areas (how many small areas it received), one field per aggregate (FIELD_sum, _mean, _wmean, _min, _max) and, per field, how many small areas had a value (FIELD_n). The log gives the totals in and out, and names every small area left out and every target area that received none. The inputs are never changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="95"/>
        <source>Small areas with values (for example LSOAs)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="102"/>
        <source>Small-area code field (empty: found automatically)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="109"/>
        <source>Target areas (wards, MSOAs, districts or any polygons)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="110"/>
        <source>Lookup small-area code -&gt; target code (CSV/XLSX; empty: aggregate by location)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="115"/>
        <source>Centroids: one point per small area with its code, such as population-weighted centroids (without LOOKUP; empty: point on surface)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="124"/>
        <source>Fields to sum (counts: population, cases)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="125"/>
        <source>Fields to average (mean)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="126"/>
        <source>Fields to average weighted by population (rates, scores, ranks)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="127"/>
        <source>Fields to take the minimum of</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="128"/>
        <source>Fields to take the maximum of</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="143"/>
        <source>Ratios of sums: numerator/denominator field pairs, optionally *100 or *1000, one per line (for example pop_60plus_mid2015/pop_total_mid2015*100)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="154"/>
        <source>Weight for weighted means (population field)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="162"/>
        <source>Aggregated areas (GeoPackage)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="165"/>
        <source>Small areas assigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="166"/>
        <source>Small areas not assigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="194"/>
        <source>Wrote {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/aggregate_indicators_algorithm.py" line="195"/>
        <source>{0} by {1}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AlgorithmRunner</name>
    <message>
        <location filename="../../lis_qgis_plugin/gui/algorithm_runner.py" line="61"/>
        <source>Warning: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/algorithm_runner.py" line="66"/>
        <source>Error: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/algorithm_runner.py" line="154"/>
        <source>Another LIS tool is still running: wait for it or cancel it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/algorithm_runner.py" line="159"/>
        <source>The tool {0} is not available: enable the LIS plugin's Processing provider.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/algorithm_runner.py" line="175"/>
        <source>Check the choices on this page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/algorithm_runner.py" line="268"/>
        <source>Cancelled: nothing was added to the project.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/algorithm_runner.py" line="270"/>
        <source>The tool stopped without saying why: see the LIS log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/algorithm_runner.py" line="275"/>
        <source>The results could not be added to the project: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/algorithm_runner.py" line="304"/>
        <source>Could not remove {0}: {1}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CompositeIndexAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/composite_index_algorithm.py" line="49"/>
        <source>Composite index from several indicators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/composite_index_algorithm.py" line="52"/>
        <source>Combines several numeric indicators of the same areas into one composite index, as the Index of Multiple Deprivation combines its domains, and writes a NEW GeoPackage layer: every input feature plus composite_score (higher = more deprived), composite_rank (1 = most deprived), composite_decile (deciles of this layer, 1 = most deprived tenth; not England's deciles) and contrib_FIELD, each indicator's weighted standardised contribution. The contributions add up to the score. An area code on more than one feature is refused, naming it (it would count twice). Inputs are never modified.

DIRECTIONS: one per field, in the order of FIELDS, separated by ';': 'higher is worse' or 'higher is better' (IMD ranks, where 1 = most deprived, are 'higher is better'). An empty entry takes the polarity stored by 'Join indicators' for that field, else 'higher is worse'.

STANDARDISE: z-score, (value - mean) / standard deviation (divisor n); or rank: ranks from least to most deprived (ties averaged) scaled to 0-1 as (rank - 0.5) / n, the IMD convention. EXPONENTIAL (ranks only) applies the IMD exponential transformation -23 ln(1 - R (1 - exp(-100/23))), on a 0-100 scale, which limits how much a good result on one indicator cancels a bad one on another.

WEIGHTS: one number per field, separated by ';' (empty: equal weights); none negative. They are normalised to sum to 1: the IMD weights are 0.225;0.225;0.135;0.135;0.093;0.093;0.093.

MISSING: leave the area out (NULL score, rank and decile when any indicator is NULL), or re-weight the indicators the area has (their weights re-normalised to sum to 1). The log names these areas, and explains the most and the least deprived area.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/composite_index_algorithm.py" line="76"/>
        <source>Areas with indicators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/composite_index_algorithm.py" line="82"/>
        <source>Indicators to combine (numeric fields)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/composite_index_algorithm.py" line="91"/>
        <source>Directions, one per field separated by ; (higher is worse / higher is better; empty: metadata)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/composite_index_algorithm.py" line="100"/>
        <source>Standardisation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/composite_index_algorithm.py" line="107"/>
        <source>Apply the IMD exponential transformation to the ranks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/composite_index_algorithm.py" line="112"/>
        <source>Weights, one per field separated by ; (empty: equal)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/composite_index_algorithm.py" line="118"/>
        <source>Areas with NULL values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/composite_index_algorithm.py" line="124"/>
        <source>Composite index (GeoPackage)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/composite_index_algorithm.py" line="146"/>
        <source>{0} – composite index of {1} indicators</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CreateSampleDistrictAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/create_sample_algorithm.py" line="44"/>
        <source>Create sample district</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/create_sample_algorithm.py" line="47"/>
        <source>Writes 'Lisford', an invented district for learning and testing the LIS tools, into a folder:
- lisford_sample.gpkg (EPSG:27700, British National Grid): the district outline, about 12 wards, about 150 small areas with LSOA-like codes (E01990001 onwards: no real area uses them), population (total, 0-4, 65+), IMD-like scores, national ranks and deciles for the index and its seven domains, population-weighted centroids, 25 services of three types with capacities, 10 candidate sites and a connected road network of several thousand segments (highway class, maxspeed, speed in km/h, oneway, access).
- lisford_imd2019_file1.csv: ranks and deciles shaped like the IoD2019 File 1 (UTF-8 BOM, "29,199").
- lisford_health_indicators.csv and .xlsx: health indicators with suppressed values (*) and thousands separators; the workbook has a title block and a Metadata sheet.

Ranks are national: the district is drawn inside a simulated England of 32,844 areas, decile 1 is the most deprived tenth, and the IMD score combines the domain ranks with the official exponential transform and weights. The same seed always gives the same data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/create_sample_algorithm.py" line="67"/>
        <source>Random seed (same seed, same district)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/create_sample_algorithm.py" line="77"/>
        <source>Number of small areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/create_sample_algorithm.py" line="85"/>
        <source>Output folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/create_sample_algorithm.py" line="86"/>
        <source>Sample GeoPackage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/create_sample_algorithm.py" line="87"/>
        <source>IMD table (CSV, File 1 shape)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/create_sample_algorithm.py" line="88"/>
        <source>Health indicators (CSV)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/create_sample_algorithm.py" line="89"/>
        <source>Health indicators (XLSX)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/create_sample_algorithm.py" line="90"/>
        <source>Sample layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/create_sample_algorithm.py" line="103"/>
        <location filename="../../lis_qgis_plugin/processing/create_sample_algorithm.py" line="121"/>
        <source>Cannot write the sample into {0}: {1}. Choose a folder you can write to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/create_sample_algorithm.py" line="113"/>
        <source>Cancelled: no sample was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/create_sample_algorithm.py" line="129"/>
        <source>Wrote {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DeprivationMapAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_map_algorithm.py" line="72"/>
        <source>Deprivation map (national or local deciles, classes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_map_algorithm.py" line="75"/>
        <source>Classifies a deprivation rank or score and writes a NEW GeoPackage layer: every feature, field and geometry, plus a class field (FIELD_class, 1 = most deprived) and a label field. Its style, stored in the GeoPackage as the default and written to a .qml file, colours the most deprived class darkest whatever the polarity, with a colour-blind-safe ramp.

National deciles/quintiles from rank: rank 1 = most deprived; the decile is ceil(rank x 10 / N) as published, with N the number of LSOAs of the edition (32,844 in IoD2019, 33,755 in IoD2025). Empty NATIONAL_N: the edition comes from the LSOA codes: a 2011 code retired in 2021 means IoD2019, a code created in 2021 (E01033769 and above) or a rank above 32,844 means IoD2025. When the codes cannot tell (no LSOA codes, only codes common to both, or both kinds) the map is refused: set NATIONAL_N. A NATIONAL_N given always wins; ranks above it are refused. The log says the edition, N and why.
Local deciles/quintiles: the areas re-ranked within this layer, most deprived first, equal values in feature order; group sizes differ by at most one.
Generic methods (quantile, equal interval, Jenks, standard deviation, pretty, manual) use CLASSES (manual: BREAKS, e.g. '10, 20, 30'); class 1 is the most deprived end, set by POLARITY. Jenks is computed on every value (up to 3,000 values; above, on 3,000 evenly spread sorted values), so it gives the same breaks on every run, unlike QGIS's random sample.

The log lists the number of areas in each class. Inputs are never modified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_map_algorithm.py" line="102"/>
        <source>Areas (LSOAs, with a deprivation rank or score)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_map_algorithm.py" line="109"/>
        <source>Rank or score field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_map_algorithm.py" line="116"/>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_map_algorithm.py" line="122"/>
        <source>Number of classes (generic methods)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_map_algorithm.py" line="132"/>
        <source>Polarity (local and generic methods)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_map_algorithm.py" line="140"/>
        <source>Manual breaks, e.g. 10, 20, 30 (manual method)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_map_algorithm.py" line="143"/>
        <source>Colour ramp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_map_algorithm.py" line="145"/>
        <source>Deprivation map (GeoPackage)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_map_algorithm.py" line="152"/>
        <source>Style file (empty: &lt;layer&gt;.qml beside the GeoPackage)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_map_algorithm.py" line="158"/>
        <source>Style file written</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_map_algorithm.py" line="185"/>
        <source>{0} – {1}: {2}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DeprivationSummaryAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_summary_algorithm.py" line="50"/>
        <source>Deprivation summary measures for any areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_summary_algorithm.py" line="53"/>
        <source>Computes MHCLG's summary measures of the English Indices of Deprivation, published for local authority districts, for any areas made of LSOAs: wards, districts, catchments or polygons you drew.

Each LSOA goes to one target area through a lookup file (LSOA code -&gt; target code), or, without one, to the target polygon containing its point on surface. With r an LSOA's national rank (1 = most deprived), N the number of LSOAs ranked nationally (IoD2019: 32,844; IoD2025: 33,755) and p its population, per target:
- avg_score = sum(p x score) / sum(p) (when a score field is given);
- avg_rank = sum(p x r) / sum(p); lower means more deprived (MHCLG reverses ranks so that the most deprived is N; its figure is N + 1 - avg_rank);
- prop_lsoas_most_deprived_10 = LSOAs in national decile 1 / LSOAs (a count);
- extent = sum(p x w) / sum(p), w = 1 in national percentiles 1-10, 0.95 - (0.9 / 19) x (percentile - 11) in percentiles 11-30 (0.95 down to 0.05), 0 beyond: the share of residents in the most deprived 30%, fully counted in the most deprived 10%;
- local_concentration = population-weighted mean rank of the target's most deprived LSOAs that hold exactly 10% of its population; the LSOA crossing the 10% line counts only with the residents needed to reach 10%;
- decile_1 .. decile_10 = LSOAs in each national decile.
N: empty NATIONAL_N takes the edition from the LSOA codes (a 2011 code retired in 2021: IoD2019; a code created in 2021, E01033769 and above, or a rank above 32,844: IoD2025); when the codes cannot tell, set NATIONAL_N. Ranks above N are refused, and so is an LSOA code on more than one row (it would count twice).
Percentile = ceil(100 r / N) and decile = ceil(10 r / N) are national, never recomputed within the target. Sources: The English Indices of Deprivation 2019, Technical report (Appendix N) and Research report (MHCLG, 2019); the R package IMD (calculate_extent) for the extent weights.

The output GeoPackage has every target with its fields plus n_lsoas, population and the measures (shares as 0..1). The log says, per target, the share of residents in England's most deprived 10%, and names every LSOA left out (no target, NULL rank or population). The inputs are never changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_summary_algorithm.py" line="87"/>
        <source>LSOAs with national ranks (a layer, or a table when LOOKUP is given)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_summary_algorithm.py" line="94"/>
        <source>LSOA code field (empty: found automatically)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_summary_algorithm.py" line="102"/>
        <source>National rank field (1 = most deprived)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_summary_algorithm.py" line="110"/>
        <source>Population field (residents per LSOA)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_summary_algorithm.py" line="118"/>
        <source>Score field (optional: gives the average score)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_summary_algorithm.py" line="127"/>
        <source>Target areas (wards, districts, catchments or any polygons)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_summary_algorithm.py" line="128"/>
        <source>Lookup LSOA code -&gt; target code (CSV/XLSX; empty: by location)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_summary_algorithm.py" line="132"/>
        <source>Deprivation summary (GeoPackage)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_summary_algorithm.py" line="158"/>
        <source>Wrote {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/deprivation_summary_algorithm.py" line="159"/>
        <source>{0} – deprivation of {1}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportAtlasAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="90"/>
        <source>Export area profiles (atlas)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="97"/>
        <source>Makes one print-ready profile page per area of the COVERAGE layer (wards, LSOAs, catchments) and exports them to one PDF (OUTPUT_PDF) or one file per area (OUTPUT_FOLDER, named CODE_name.pdf or .png, e.g. E05012633_braunston-martinsthorpe.png).

Each page has the area's name, a map centred on it with the other areas greyed, a map locating it in the district, a key, scale bar and north arrow, a table of the INDICATORS and a spine chart, then the sources, attributions, date and page number.

Table: the area's value, the district's, England's and the difference area - district, coloured and worded 'better' or 'worse' by the indicator's polarity. Labels, units and polarity come from the indicator metadata LIS stores with joined data (lis:joinindicators, lis:aggregateindicators); without it, the field's alias or name is the label and the difference is not judged; this difference is not tested.
Significance against England, as Fingertips does it: under the area's value, its 95% confidence limits, as the source published them (the Fingertips CSV the indicators were joined from, beside the COVERAGE file) or computed from its count and denominator when the atlas knows them (Wilson score limits of proportions, Byar's of rates; the district's from its pooled counts); under England's value, 'better', 'similar' or 'worse' (by the polarity; 'higher' or 'lower' without one) when England's value lies outside the limits, at 99.8% when it holds there too; 'not compared' without limits. The CSV's earlier periods give the recent trend (a chi-squared test for trend on the five latest counts): 'increasing' or 'decreasing' only when significant. STORE (optional; empty: the project's store if it has one, else none): an indicator store whose figures win over the CSV's: each indicator is found in its catalogue by name (as lis:indicatorlayer labels it), with every area's limits, counts and earlier periods, and England's row (E92000001) as England's value unless ENGLAND_VALUES gives one. The page opens with a headline drawn from these flags and trends only.
Numbers print with the unit of the metadata: a 'proportion' or 'share' of 0.7 as 70%, '%' as 70%, 'per 1,000' as 12.3 per 1,000; counts with thousands separators.
District value: the district's own row (its LAD code) of the Fingertips CSV the indicators were joined from, when it lies beside the COVERAGE file; else a count (unit 'count', or a sum made by lis:aggregateindicators) is the sum of the areas, shown but not compared; a share or average whose denominators are known (the measures of lis:deprivationsummary, and the ratios lis:aggregateindicators made with FIELDS_RATIO, from the sums of their denominators written beside them) is the sum of the numerators over the sum of the denominators, never a mean of the areas' ratios; any other value is the population-weighted mean of the areas, sum(p x v) / sum(p), when POPULATION_FIELD is given, otherwise their plain mean (the footnote says which).
England value: what comes with the data (the IoD's share of LSOAs in England's most deprived 10%, floor(N / 10) of N; England's row, E92000001, of the Fingertips CSV the indicators were joined from, when it lies beside the COVERAGE file), and ENGLAND_VALUES, which wins: a CSV or XLSX with columns field and value (the field name, or the small-area field before aggregation: imd_score for imd_score_mean), or a Fingertips CSV with England's row. None otherwise.
INDICATORS: codes, ids, coordinates (BNG_E, LAT...) and geometry measures (Shape__Area) are refused: they are not indicators.
Spine chart: per indicator, the range of the areas (light band), their middle half (dark band), the district (spine), England (diamond) and the area (dot); worse to the left. When indicators were compared with England, England is the spine and the district the diamond, and the dot takes Fingertips' colour: green better, amber similar, red worse, blues higher/lower, white not compared.

Everything a page shows is stored in a GeoPackage (ATLAS_DATA; by default beside the output): a copy of the areas with their values and each page's chart (an SVG, as a base64 picture source), and a table of the printed rows (one per area and indicator, numbers as text). The layout uses QGIS's own items, no HTML: an attribute table filtered to the page's area, a picture for the chart. It is added to the current project (edit it in the layout designer) and, with OUTPUT_PROJECT, saved in a project that renders the same in a QGIS without the LIS plugin.

TEMPLATE: a .qpt of your own, with items whose ids are title (label), main_map (map), indicator_table (the frame of an attribute table), chart (picture) and footnote (label); subtitle, page_info, overview_map, legend, scalebar, north_arrow and chart_caption are filled when present. Empty: the LIS template in PAGE_SIZE.
ON_ERROR: a page that fails (an area without geometry, a file that cannot be written) is named in the log and skipped ('continue') or ends the run ('stop').</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="161"/>
        <source>Areas, one page each (wards, LSOAs, catchments) with the indicator values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="168"/>
        <source>Area name field (empty: found automatically)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="177"/>
        <source>Area code field (empty: found automatically)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="185"/>
        <source>Indicators to tabulate and chart (numeric fields)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="194"/>
        <source>Map layers, top first: service points, context, thematic layer (empty: the first indicator)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="202"/>
        <source>Population field (weights the district value; empty: plain mean of the areas)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="211"/>
        <source>England values: CSV/XLSX with columns field, value, or a Fingertips CSV (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="220"/>
        <source>District name for the comparator column (empty: from the layer, else 'District')</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="227"/>
        <source>Layout template (.qpt; empty: the LIS template)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="234"/>
        <source>Page size (LIS template)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="236"/>
        <source>Format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="239"/>
        <source>Resolution (dpi)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="243"/>
        <source>When a page fails</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="248"/>
        <source>One PDF with every page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="257"/>
        <source>Or a folder: one file per area (&lt;code&gt;_&lt;name&gt;.pdf or .png)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="265"/>
        <source>Atlas data GeoPackage (empty: beside the output)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="274"/>
        <source>Also save a project with the layout (opens without the plugin)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="280"/>
        <source>Pages exported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="281"/>
        <source>Pages that failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="282"/>
        <source>Layout name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="316"/>
        <source>{0} indicators do not fit the table of the page even at {1} pt: the table needs {2:.0f} mm, its frame is {3:.0f} mm tall, so the last rows are cut. Choose fewer INDICATORS, a larger PAGE_SIZE, or a template with a taller indicator_table.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="326"/>
        <source>Exported {0} pages to {1}; the layout '{2}' reads {3}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_atlas_algorithm.py" line="369"/>
        <source>TEMPLATE {0} sets the page size: PAGE_SIZE is not used.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportWebReportAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_web_report_algorithm.py" line="44"/>
        <source>Export web report (interactive map and area profiles)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_web_report_algorithm.py" line="47"/>
        <source>Writes a NEW folder (OUTPUT_FOLDER, which must not exist or be empty) holding an interactive report of the BOUNDARIES' areas: index.html, lis-report.js, lis-report.css and data.js. Open index.html in a browser from disk, email the folder, or put it on any web server: nothing is fetched from another site, and no server program is needed.

The reader chooses an indicator and a period and sees the map (national deciles for IMD deciles, five classes otherwise), a sortable table of all areas, a CSV download, and each area's profile: its values with confidence limits, the district and England, significance against England, the recent trend and the same headline as the printed profile (lis:exportatlas).

INDICATORS: store ids separated by commas (empty: every indicator of the store with values for these areas), with every period the store holds. England is the store's E92000001 rows. TITLE empty: '&lt;district&gt; &lt;area word&gt; profiles'.

Size: about 180 LSOAs with 30 indicators of 5 periods make a data.js under 3 MB (the areas are simplified to about 5 m). The report is written to a temporary folder beside OUTPUT_FOLDER and renamed at the end, so a failure or a cancel leaves nothing; the boundaries and the store are only read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_web_report_algorithm.py" line="67"/>
        <source>Areas of the report (polygons)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_web_report_algorithm.py" line="73"/>
        <source>Area code field (empty: found automatically)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_web_report_algorithm.py" line="81"/>
        <source>Area name field (empty: found automatically)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_web_report_algorithm.py" line="90"/>
        <source>Indicators (store ids, separated by commas; empty: all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_web_report_algorithm.py" line="95"/>
        <source>Title (empty: '&lt;district&gt; &lt;area word&gt; profiles')</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_web_report_algorithm.py" line="99"/>
        <source>Report folder (new or empty)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_web_report_algorithm.py" line="101"/>
        <source>The report's index.html</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_web_report_algorithm.py" line="102"/>
        <source>Size of data.js (bytes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/export_web_report_algorithm.py" line="123"/>
        <source>Web report of {0} areas and {1} indicators: open {2} in a browser (data.js: {3:,} bytes).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IndicatorLayerAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_layer_algorithm.py" line="54"/>
        <source>Indicator layer from the store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_layer_algorithm.py" line="57"/>
        <source>Writes a NEW GeoPackage layer of indicators kept in the indicator store, at one period: each indicator's latest period by default, or the period you name. The values are joined onto a boundary set of the store (by name, e.g. 'LSOA 2021') or onto any polygon layer, exactly as 'Join indicators to boundaries' joins a table: the same fields, aliases, indicator metadata (source, period, unit, polarity) and report, so the deprivation map, summary, composite index, atlas and catchments take the layer as they take a joined one.

When the indicators were published for other areas than the boundaries (IoD2019 on 2011 LSOAs, boundaries of 2021), the store's lookup between the two converts the codes; add lookups with 'Add a code lookup to the store'. Indicator ids are separated by commas.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_layer_algorithm.py" line="74"/>
        <source>Indicators (ids, separated by commas)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_layer_algorithm.py" line="78"/>
        <source>Period ('latest': each indicator's newest)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_layer_algorithm.py" line="84"/>
        <source>Boundary set of the store (its name; or choose a layer below)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_layer_algorithm.py" line="91"/>
        <source>Boundaries (a polygon layer; or a boundary set above)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_layer_algorithm.py" line="99"/>
        <source>Code field of the boundaries (empty: find it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_layer_algorithm.py" line="108"/>
        <source>Areas receiving several values through a lookup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_layer_algorithm.py" line="114"/>
        <source>Indicator layer (GeoPackage)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_layer_algorithm.py" line="120"/>
        <source>Join report (HTML)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_layer_algorithm.py" line="123"/>
        <source>Join report (JSON)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_layer_algorithm.py" line="124"/>
        <source>Boundary codes matched</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_layer_algorithm.py" line="125"/>
        <source>Boundary codes with no value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_layer_algorithm.py" line="155"/>
        <source>Report: {0} (and {1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_layer_algorithm.py" line="157"/>
        <source>{0} + {1}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IndicatorStatisticsAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="52"/>
        <source>Indicator values with confidence limits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="55"/>
        <source>Gives rows with a count and a denominator (or values to average) their value and its 95% and 99.8% confidence limits, computed as the public-health reference, the R package PHEindicatormethods, does:
- proportion: count / denominator, Wilson score limits;
- crude rate: count / population, Byar's limits;
- mean: the mean of VALUE_FIELD over the rows of each area (AREA_FIELD), Student's t limits;
- directly standardised rate: rows per area and five-year age band (AGE_BAND_FIELD: 0-4, 5-9, ... 90+) with a count and a population, standardised to the 2013 European Standard Population, Dobson's limits; one row per area. As in PHEindicatormethods, an area with fewer than 10 events gets no value.

MULTIPLIER: per 100 (a percentage), per 1,000 or per 100,000; by default % for proportions and per 100,000 for rates. CONFIDENCE: 95%, 99.8% or both.

The output GeoPackage keeps the input's rows, fields and geometry (one row per area for means and standardised rates) and adds value, lower95, upper95, lower998, upper998 and note, which says why a value or limit is missing (no count, no denominator, too few events). Limits the input already gives (Fingertips' 'Lower CI 95.0 limit' and 'Upper CI 95.0 limit', or lower95 and upper95) are kept, not recomputed, and the log says so. A negative count or denominator, or a proportion's count above its denominator, stops the run with the row and field named. The input is never changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="78"/>
        <source>Rows with counts and denominators (a layer, GeoPackage table or CSV)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="85"/>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="87"/>
        <source>Proportion (Wilson score)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="88"/>
        <source>Crude rate (Byar's method)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="89"/>
        <source>Mean (Student's t)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="90"/>
        <source>Directly standardised rate (Dobson, 2013 European Standard Population)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="96"/>
        <source>Count field (events, people with the condition)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="97"/>
        <source>Denominator field (population)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="98"/>
        <source>Value field (for means)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="99"/>
        <source>Area field (groups rows for means and standardised rates)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="100"/>
        <source>Age band field (for standardised rates: 0-4, 5-9, ... 90+)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="108"/>
        <source>Multiplier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="110"/>
        <source>The method's usual (% for proportions, per 100,000 for rates)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="111"/>
        <source>Per 100 (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="112"/>
        <source>Per 1,000</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="113"/>
        <source>Per 100,000</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="121"/>
        <source>Confidence levels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="122"/>
        <source>95% and 99.8%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="122"/>
        <source>95%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="122"/>
        <source>99.8%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="128"/>
        <source>Values with confidence limits (GeoPackage)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="131"/>
        <source>Rows with a value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="132"/>
        <source>Rows without a value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="156"/>
        <source>Wrote {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/indicator_statistics_algorithm.py" line="157"/>
        <source>{0} with confidence limits</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JoinIndicatorsAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="64"/>
        <source>Join indicators to boundaries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="67"/>
        <source>Joins an indicator table (CSV, TSV, XLSX, ODS, or a table layer: give its layer name) onto boundaries by area code and writes a NEW GeoPackage layer: every boundary feature, field and geometry, plus typed indicator fields whose original column names are kept as aliases. Inputs are never modified.

It reads tables as published: UTF-8 with or without BOM or Windows-1252, title rows above the header, thousands separators ("29,199"), percent signs and suppressed values (*, .., -, c, x, n/a: NULL, each counted). Long tables (code, indicator, period, value, as Fingertips exports) are pivoted, using the latest period unless you give one.

Code fields are found automatically (ONS codes such as E01000001). The report lists every boundary with no row, every row with no boundary, duplicate codes, suppressed and unreadable values, and says when a table of 2011 LSOAs meets 2021 boundaries; a lookup table (e.g. LSOA11CD to LSOA21CD) converts the codes. Indicator metadata (source, period, unit, polarity) is read from a 'Metadata' sheet or a metadata table and stored in the GeoPackage for maps and reports.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="88"/>
        <source>Boundaries (LSOA, MSOA, ward, district...)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="95"/>
        <source>Code field of the boundaries (empty: find it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="101"/>
        <source>Indicator table (file, or the name of a table layer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="104"/>
        <source>Sheet (workbooks; empty: first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="108"/>
        <source>Code column in the table (empty: find it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="113"/>
        <source>Columns to join, separated by ; (empty: all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="117"/>
        <source>Period, for long tables (empty: latest)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="122"/>
        <source>Codes on more than one row</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="128"/>
        <source>Code lookup to convert the table's codes (e.g. LSOA 2011 to 2021)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="134"/>
        <source>Indicator metadata table (Indicator, Source, Period, Unit, Polarity)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="140"/>
        <source>Joined layer (GeoPackage)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="146"/>
        <source>Join report (HTML)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="149"/>
        <source>Join report (JSON)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="150"/>
        <source>Boundary codes matched</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="151"/>
        <source>Boundary codes with no row</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="152"/>
        <source>Table rows with no boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="171"/>
        <source>Choose an indicator table (TABLE).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="178"/>
        <source>{0}: no such file, and no table layer of that name is open. Check the path.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="215"/>
        <source>Report: {0} (and {1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/join_indicators_algorithm.py" line="217"/>
        <source>{0} + {1}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LisAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/lis_algorithm.py" line="73"/>
        <source>{0}: the layer '{1}' cannot be opened. Choose a vector layer or file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/lis_algorithm.py" line="85"/>
        <source>Give the road network once: either the NETWORK layer or the NETWORK_FILE, not both.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/lis_algorithm.py" line="89"/>
        <source>NETWORK: choose a road line layer, or give an .osm.pbf file in NETWORK_FILE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/lis_algorithm.py" line="129"/>
        <source>Cancelled: no output was written.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LisAlgorithmForm</name>
    <message>
        <location filename="../../lis_qgis_plugin/gui/algorithm_form.py" line="71"/>
        <source>Advanced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/algorithm_form.py" line="73"/>
        <source>Options most people leave as they are</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LisDockWidget</name>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="92"/>
        <source>Local Information System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="131"/>
        <source>Step {0}: {1} (Alt+{0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="136"/>
        <source>Next step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="136"/>
        <source>Previous step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="171"/>
        <source>Ready.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="174"/>
        <source>What the LIS tools are doing; the full log is in the LIS tab of the log panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="180"/>
        <source>Progress of the tool running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="181"/>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="187"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="189"/>
        <source>Stop the tool running: nothing it started is kept (Esc in the panel)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="192"/>
        <source>Cancel the LIS tool running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="321"/>
        <source>Running: {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="336"/>
        <source>{0}: done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="338"/>
        <source>Layers added to the LIS group: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="344"/>
        <source>{0}: cancelled, nothing kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="347"/>
        <source>{0} failed: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/lis_dock.py" line="372"/>
        <source>The saved {0} page could not be restored: {1}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LisOptionsPage</name>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="59"/>
        <source>Car speeds by road class (km/h)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="62"/>
        <source>Used for driving times when a road has no speed field value and no maxspeed tag (OpenStreetMap highway classes).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="73"/>
        <source>Road class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="73"/>
        <source>Speed (km/h)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="76"/>
        <source>Typical driving speed on each class of road</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="88"/>
        <source>Speed on '{0}' roads, km/h (default {1:.1f})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="90"/>
        <source>Speed on {0} roads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="95"/>
        <source>&amp;Reset speeds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="96"/>
        <source>Put back the built-in speeds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="103"/>
        <source>Placing points on the roads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="115"/>
        <source>Maximum &amp;snap distance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="117"/>
        <source>Facilities, sites and demand points farther than this from the road network are left out of the results and listed in a not_placed table, instead of being placed on a far road (default 1,000 m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="126"/>
        <source>Online downloads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="137"/>
        <source>Download &amp;deadline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="139"/>
        <source>The longest one download may take in all, retries included; a slower one is stopped (default 600 s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="149"/>
        <source>&amp;Largest download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="151"/>
        <source>Downloads larger than this, before or after unpacking, are refused (default 500 MB)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="157"/>
        <source>Indicator tables</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="165"/>
        <source>Reset &amp;markers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="166"/>
        <source>Put back the built-in markers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="172"/>
        <source>Cell texts that mean 'suppressed or not available', separated by spaces: they become NULL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="173"/>
        <source>&amp;Suppressed markers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="182"/>
        <source>Folders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="190"/>
        <source>&lt;QGIS profile&gt;/lis_cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="193"/>
        <source>Road network &amp;cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="195"/>
        <source>Where built road networks are kept so they are read once (empty: lis_cache in the QGIS profile)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="201"/>
        <source>beside the project, in lis_outputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="204"/>
        <source>Default &amp;output folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="206"/>
        <source>Where the panel writes its outputs in projects that have no folder of their own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/options_page.py" line="232"/>
        <source>LIS</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LisPanel</name>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="43"/>
        <source>Export one profile page per area (ward, LSOA, catchment): a map, a table of the indicators against the district and England, and a spine chart, all in one PDF.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="55"/>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="137"/>
        <source>&amp;Areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="57"/>
        <source>The areas to profile, one page each, with the indicator values as fields</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="89"/>
        <source>&amp;Indicators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="92"/>
        <source>Tick the numeric fields to tabulate and chart (Space ticks the current one)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="108"/>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="167"/>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="229"/>
        <source>&amp;Population</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="110"/>
        <source>Weights the district value (empty: the plain mean of the areas)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="119"/>
        <source>&amp;Template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="121"/>
        <source>Your own print layout template (.qpt) with items title, main_map, indicator_table (attribute table), chart (picture) and footnote; empty: the LIS template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="131"/>
        <source>Open the PDF when it is &amp;ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="133"/>
        <source>Open the exported PDF in your PDF viewer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="137"/>
        <source>E&amp;xport atlas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="138"/>
        <source>Run 'Export area profiles': one PDF with a page per area; the layout joins the project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="139"/>
        <source>Open P&amp;DF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="140"/>
        <source>Open the PDF exported last</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="144"/>
        <source>&amp;Web report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="145"/>
        <source>Run 'Export web report': a folder with index.html (map, area profiles, table, CSV) for these areas, from every indicator of the project's store; it opens from disk or any web server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="149"/>
        <source>Open in &amp;browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="150"/>
        <source>Open the web report exported last in your web browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="176"/>
        <source>Atlas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="238"/>
        <source>Choose the areas and tick at least one indicator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="255"/>
        <source>Export atlas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="258"/>
        <source>Exporting a page per area of {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="265"/>
        <source>{0} pages in {1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="280"/>
        <source>Choose the areas of the web report.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="288"/>
        <source>Export web report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="291"/>
        <source>Writing the web report of {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/atlas_page.py" line="298"/>
        <source>Web report: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/boundaries_page.py" line="29"/>
        <source>Choose the areas your statistics describe: LSOAs, MSOAs, wards or districts. LIS finds the field of ONS area codes (such as E01000001) that tables are joined on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/boundaries_page.py" line="42"/>
        <source>Boundary &amp;layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/boundaries_page.py" line="44"/>
        <source>A polygon layer of the project with one feature per area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/boundaries_page.py" line="52"/>
        <source>Area &amp;code field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/boundaries_page.py" line="54"/>
        <source>The field with the ONS area codes; found automatically when the layer changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/boundaries_page.py" line="71"/>
        <source>Load a boundary set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/boundaries_page.py" line="73"/>
        <source>Download or read a published boundary set and add it to the LIS group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/boundaries_page.py" line="79"/>
        <source>Loa&amp;d boundaries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/boundaries_page.py" line="80"/>
        <source>Run 'Load boundaries' with these choices; the layer becomes the boundary layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/boundaries_page.py" line="90"/>
        <source>Boundaries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/boundaries_page.py" line="106"/>
        <source>Choose a polygon layer, or add one to the project first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/boundaries_page.py" line="148"/>
        <source>unrecognised</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/boundaries_page.py" line="150"/>
        <source>{0} areas, codes in '{1}' ({2}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/boundaries_page.py" line="169"/>
        <source>Load boundaries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/boundaries_page.py" line="183"/>
        <source>The tool finished but added no polygon layer: see the LIS log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="69"/>
        <source>Join a table of statistics (CSV, Excel, ODS, as published) onto the boundaries by area code. The result is a new GeoPackage layer; the report lists every code that did not match. The indicator store below keeps every period of what you add to it: map any of it in two clicks.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="84"/>
        <source>&amp;Join indicators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="85"/>
        <source>Run 'Join indicators to boundaries': writes a new GeoPackage layer and a join report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="137"/>
        <source>Indicator table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="140"/>
        <source>Indicator &amp;table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="142"/>
        <source>CSV, TSV, XLSX or ODS file with one row per area and a column of ONS area codes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="146"/>
        <source>first sheet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="147"/>
        <source>S&amp;heet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="147"/>
        <source>Workbooks only: the sheet to read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="152"/>
        <source>D&amp;uplicate codes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="154"/>
        <source>What to do when a code is on more than one row of the table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="161"/>
        <source>Code loo&amp;kup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="163"/>
        <source>Optional: a lookup table that converts the table's codes, e.g. LSOA 2011 to LSOA 2021</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="170"/>
        <source>U&amp;nmatched codes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="176"/>
        <source>Every code that did not match, one per line: select and copy them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="181"/>
        <source>&amp;Copy codes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="183"/>
        <source>Copy the unmatched codes to the clipboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="185"/>
        <source>Open full &amp;report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="187"/>
        <source>Open the HTML join report in the web browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="194"/>
        <source>Report n&amp;otes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="199"/>
        <source>What the join found: vintage, suppressed and unreadable values, duplicates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="206"/>
        <source>Or fetch online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="208"/>
        <source>Fetch indicators from a published source; the table it gives is then joined</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="214"/>
        <source>&amp;Fetch indicators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="215"/>
        <source>Run 'Load indicators' with these choices; its table becomes the indicator table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="226"/>
        <source>Indicator store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="228"/>
        <source>Indicators collected once, every period kept, to map again in two clicks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="246"/>
        <source>Ma&amp;p onto</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="248"/>
        <source>The boundaries the indicators are joined onto: a boundary set in the store, or the Boundaries page's</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="253"/>
        <source>Add to &amp;map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="254"/>
        <source>Run 'Indicators from the store' on the selected indicators, latest period: a new GeoPackage layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="262"/>
        <source>&amp;Add to store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="263"/>
        <source>Run 'Add to the store' on the indicator table chosen above: every period and interval is kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="269"/>
        <source>Up&amp;date store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="270"/>
        <source>Run 'Update the store': fetch the online indicators again and report new periods and revised values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="283"/>
        <source>Indicators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="290"/>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="321"/>
        <source>Choose the boundary layer on the Boundaries page first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="292"/>
        <source>found automatically</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="293"/>
        <source>Boundaries: {0} (code field: {1}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="325"/>
        <source>Choose the indicator table (a CSV, XLSX or ODS file).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="343"/>
        <source>Join indicators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="345"/>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="551"/>
        <source>Indicators: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="349"/>
        <source>Joining {0} onto {1}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="371"/>
        <source>{0}
Matched: {1} areas. Areas with no row: {2}. Table rows with no area: {3}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="380"/>
        <source># Boundary codes with no row in the table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="383"/>
        <source># Table codes with no boundary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="385"/>
        <source>Every code matched.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="395"/>
        <source>'{0}': {1} suppressed, {2} empty, {3} unreadable (NULL in the layer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="401"/>
        <source>{0} codes on more than one row</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="402"/>
        <source>Nothing to report: every value was read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="436"/>
        <source>The store is read when this page is shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="469"/>
        <source> (the default, beside the project)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="471"/>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="474"/>
        <source>Store: {0}{1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="472"/>
        <source>The store does not exist yet: Add to store creates it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="495"/>
        <source>Boundary set: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="500"/>
        <source>Boundaries page: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="528"/>
        <source>Select one or more indicators in the store's list first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="538"/>
        <source>Choose the boundary layer on the Boundaries page, or add a boundary set to the store.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="549"/>
        <source>Indicators from the store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="555"/>
        <source>Mapping {0} from the store…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="562"/>
        <source>Choose the indicator table above (a CSV, XLSX or ODS file, or fetch one) first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="568"/>
        <source>Add to the store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="571"/>
        <source>Adding {0} to the store…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="580"/>
        <source>Update the store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="583"/>
        <source>Fetching the store's online indicators again…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="593"/>
        <source>{0} indicators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="595"/>
        <source>Added {0} values of {1} to the store (selected in the list): press Add to map.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="600"/>
        <source>{0} finished: see its report.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="611"/>
        <source>Load indicators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="624"/>
        <source>Fetched {0}: press Join indicators.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="630"/>
        <source>Fetched the layer {0}: press Join indicators.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/indicators_page.py" line="632"/>
        <source>The tool finished but gave no table: see the LIS log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="78"/>
        <source>Where should new sites go? Choose them among candidate places, keeping the existing sites open: the shortest average journey (p-median), the most people within a standard such as 10 minutes (MCLP), or the fewest sites that reach everyone (LSCP).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="148"/>
        <source>Who needs the service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="148"/>
        <source>The people to serve, and how much their need counts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="155"/>
        <source>&amp;Demand</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="157"/>
        <source>Population-weighted centroids, or small areas (their point inside is used). Offered first: centroids in the candidates' area, else small areas there</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="169"/>
        <source>Population of each demand point (the weight)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="177"/>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="213"/>
        <source>Small &amp;areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="179"/>
        <source>Optional: small areas holding the need field when the demand points do not</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="187"/>
        <source>N&amp;eed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="189"/>
        <source>Optional: national IMD decile (1 = most deprived) or a need score, to weight people by need: a resident in greater need counts more when choosing sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="199"/>
        <source>Need r&amp;ule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="201"/>
        <source>Decile: deciles 1-2 count twice, 3-4 one and a half times; score: each score over the mean score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="208"/>
        <source>Sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="208"/>
        <source>The places a new site could go, and the sites that stay open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="214"/>
        <source>&amp;Candidates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="216"/>
        <source>Point layer of the places a new site could go</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="219"/>
        <source>Which candidates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="222"/>
        <source>Candidate fi&amp;lter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="224"/>
        <source>Optional expression choosing some candidates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="231"/>
        <source>Candidate &amp;id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="233"/>
        <source>Field with a unique id per candidate (empty: feature numbers)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="240"/>
        <source>Candidate na&amp;me</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="242"/>
        <source>Field naming each candidate, for the results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="254"/>
        <source>E&amp;xisting sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="256"/>
        <source>Optional point layer of the sites that stay open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="259"/>
        <source>Which existing sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="262"/>
        <source>Existing filte&amp;r</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="264"/>
        <source>Optional expression choosing some existing sites, e.g. "service_type" = 'childrens_centre'</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="271"/>
        <source>Existing &amp;site id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="273"/>
        <source>Field with a unique id per existing site (empty: feature numbers)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="278"/>
        <source>Travel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="278"/>
        <source>How people travel to a site</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="279"/>
        <source>Line layer of roads; leave empty and give a file, or neither for straight-line distance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="280"/>
        <source>Travel time (minutes) or distance (metres); without a network only distance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="282"/>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="127"/>
        <source>Road &amp;network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="283"/>
        <source>or network &amp;file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="284"/>
        <source>Speed field (km/&amp;h)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="285"/>
        <source>Tra&amp;vel mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="285"/>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="130"/>
        <source>Driving or walking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="286"/>
        <source>C&amp;ost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="297"/>
        <source>O&amp;bjective</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="299"/>
        <source>Shortest average journey, most people within the standard, or fewest sites covering everyone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="307"/>
        <source>New si&amp;tes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="309"/>
        <source>How many new sites to open (not used by the fewest-sites objective)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="318"/>
        <source>Covera&amp;ge standard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="320"/>
        <source>Within how far a site counts as reachable: minutes for time, metres for distance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="327"/>
        <source>Find ne&amp;w sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="328"/>
        <source>Run 'Locate new services': the suggested sites, each area's nearest site and a before/after summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="341"/>
        <source>Su&amp;ggested sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="343"/>
        <source>The new sites in the order to open them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="348"/>
        <source>Before and af&amp;ter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="352"/>
        <source>Journeys and people within the standard, before and after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="360"/>
        <source>Locate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="577"/>
        <source>Choose the demand layer and its population field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="580"/>
        <source>Choose the candidate sites (a point layer).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="587"/>
        <source>Locate new services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="589"/>
        <source>{0}: suggested sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="590"/>
        <source>{0}: nearest site before and after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="591"/>
        <source>{0}: before and after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="594"/>
        <source>Choosing new sites among {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="600"/>
        <source>No new site was chosen: the before and after table shows the sites open now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="644"/>
        <source>Travel saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/locate_page.py" line="644"/>
        <source>Weighted by need</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="81"/>
        <source>Map a deprivation rank or score (or any indicator) in classes, darkest where most deprived. National deciles use the published national ranks; local deciles re-rank your areas.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="90"/>
        <source>Ma&amp;ke map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="91"/>
        <source>Run 'Deprivation map': writes a new styled GeoPackage layer into the LIS group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="137"/>
        <source>The polygon layer to map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="142"/>
        <source>&amp;Field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="144"/>
        <source>The rank, score or indicator to classify (national methods need national ranks, 1 = most deprived)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="149"/>
        <source>&amp;Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="149"/>
        <source>How the values are put into classes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="153"/>
        <source>From the LSOA codes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="156"/>
        <source>Areas ranked &amp;nationally (N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="158"/>
        <source>National deciles and the summary: the number of LSOAs ranked in the edition of the ranks (32,844 IoD2019, 33,755 IoD2025). 'From the LSOA codes' lets the tool tell the edition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="176"/>
        <source>&amp;Classes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="178"/>
        <source>Number of classes for quantile, equal interval, Jenks, standard deviation and pretty breaks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="182"/>
        <source>e.g. 10, 20, 30</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="183"/>
        <source>&amp;Breaks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="183"/>
        <source>Manual method: the class breaks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="189"/>
        <source>&amp;Polarity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="191"/>
        <source>Which end is most deprived (local and generic methods); the most deprived class is darkest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="198"/>
        <source>Colour &amp;ramp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="198"/>
        <source>Colour-blind-safe colour ramps, light to dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="204"/>
        <source>&amp;Legend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="207"/>
        <source>The classes of the map made last, most deprived first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="215"/>
        <source>A small picture of the map made last</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="223"/>
        <source>Map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="256"/>
        <source>National deciles: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="258"/>
        <source>National deciles: {0}, N = {1} ({2}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="358"/>
        <source>Choose the areas and the field to map.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="380"/>
        <source>Deprivation map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="387"/>
        <source>Classifying {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="400"/>
        <source>Deprivation summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="401"/>
        <source>Deprivation summary: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/map_page.py" line="403"/>
        <source>Summarising deprivation in {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/network_inputs.py" line="38"/>
        <source>An OpenStreetMap extract (.osm.pbf) or GeoPackage of roads; built once, then cached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/network_inputs.py" line="43"/>
        <source>Road speeds in km/h (empty: maxspeed, then the speeds by road class set in the LIS options)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="50"/>
        <source>Who can reach a service within 5, 10 or 15 minutes, and who cannot: catchments of each facility on the road network, and the population covered within each band.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="102"/>
        <source>&amp;Facilities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="102"/>
        <source>Point layer of the services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="103"/>
        <source>Which facilities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="106"/>
        <source>Fi&amp;lter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="108"/>
        <source>Optional expression choosing some facilities, e.g. "service_type" = 'gp_surgery'</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="115"/>
        <source>Facility &amp;id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="117"/>
        <source>Field with a unique id or name per facility (empty: feature numbers)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="123"/>
        <source>Line layer of roads (with highway, maxspeed, oneway as OpenStreetMap), or leave empty and give a file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="128"/>
        <source>or network fil&amp;e</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="129"/>
        <source>&amp;Speed field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="130"/>
        <source>Travel &amp;mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="131"/>
        <source>&amp;Cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="131"/>
        <source>Travel time (minutes) or distance (metres)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="138"/>
        <source>&amp;Bands</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="140"/>
        <source>Catchment bands separated by commas: minutes for time, metres for distance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="144"/>
        <source>Filled travel-time areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="145"/>
        <source>Roads within reach (buffer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="148"/>
        <source>Catchment s&amp;hape</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="150"/>
        <source>Filled areas cover the homes within reach and stop where nothing is reachable; road buffers show the reached roads widened by the buffer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="163"/>
        <source>B&amp;uffer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="165"/>
        <source>Road buffers: catchments are the reached roads widened by this distance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="171"/>
        <source>Filled areas: advanced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="173"/>
        <source>Grid cell size and the longest walk from the road of the filled travel-time areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="179"/>
        <source>Cell si&amp;ze</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="181"/>
        <source>Side of the grid cells the travel times are worked out on (smaller: finer outlines, slower)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="187"/>
        <source>Longest &amp;walk from the road</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="189"/>
        <source>Places further than this from every reached road are outside the filled areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="205"/>
        <source>Who is covered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="207"/>
        <source>Population counted within each band, and the most deprived beyond it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="213"/>
        <source>The study area (LSOAs)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="219"/>
        <source>&amp;Demand points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="221"/>
        <source>Population-weighted centroids (empty: points inside the small areas)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="231"/>
        <source>Population field of the demand points (or small areas)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="239"/>
        <source>Depri&amp;vation decile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="241"/>
        <source>National IMD decile of the small areas (1 = most deprived), to count deprived people not covered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="248"/>
        <source>&amp;Run catchments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="249"/>
        <source>Run 'Service catchments': catchments, nearest facility of each area and coverage, into the LIS group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="260"/>
        <source>C&amp;overage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="264"/>
        <source>Population within each band, per facility and for all facilities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="275"/>
        <source>Services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="405"/>
        <source>Choose the facilities (a point layer).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="408"/>
        <source>Choose the road network: a line layer or an .osm.pbf file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="419"/>
        <source>Service catchments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="421"/>
        <source>{0}: catchments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="422"/>
        <source>{0}: nearest facility</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="423"/>
        <source>{0}: coverage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/services_page.py" line="426"/>
        <source>Working out the catchments of {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/start_page.py" line="26"/>
        <source>&lt;b&gt;Local Information System&lt;/b&gt;&lt;br&gt;Join area statistics to boundaries, map deprivation, work out service catchments and export area profiles. Work through the steps in order, 1 to 7; every tool is also in the Processing toolbox under &lt;i&gt;Local Information System&lt;/i&gt;.&lt;br&gt;&lt;br&gt;New here? Create the sample district &lt;i&gt;Lisford&lt;/i&gt; to try the tools on invented data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/start_page.py" line="39"/>
        <source>Folder for the LIS outputs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/start_page.py" line="42"/>
        <source>&amp;Output folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/start_page.py" line="44"/>
        <source>Every GeoPackage, report and PDF the panel makes is written here (new names, never overwriting). Remembered for this project and as the default for new ones.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/start_page.py" line="56"/>
        <source>Create &amp;sample district</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/start_page.py" line="57"/>
        <source>Write the synthetic Lisford district into the output folder and add its layers to the LIS group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/start_page.py" line="64"/>
        <source>O&amp;ptions…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/start_page.py" line="67"/>
        <source>Road speeds, suppressed-value markers and the road-network cache folder (Settings &gt; Options &gt; LIS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/start_page.py" line="79"/>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/start_page.py" line="103"/>
        <source>Create sample district</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/start_page.py" line="106"/>
        <source>Writing the sample district into {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/start_page.py" line="111"/>
        <source>Lisford is in the LIS group: {0} layers from {1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/summary_group.py" line="25"/>
        <source>Summary for larger areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/summary_group.py" line="28"/>
        <source>MHCLG's summary measures (average rank and score, extent, local concentration, share in the most deprived 10%) of the LSOAs in each ward, district or polygon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/summary_group.py" line="37"/>
        <source>&amp;Small areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/summary_group.py" line="37"/>
        <source>LSOAs with national ranks and populations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/summary_group.py" line="41"/>
        <source>Rank fiel&amp;d</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/summary_group.py" line="41"/>
        <source>National rank, 1 = most deprived</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/summary_group.py" line="44"/>
        <source>Pop&amp;ulation field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/summary_group.py" line="44"/>
        <source>Residents per LSOA, to weight the measures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/summary_group.py" line="49"/>
        <source>Sc&amp;ore field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/summary_group.py" line="49"/>
        <source>Optional: the IMD score, for the average score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/summary_group.py" line="53"/>
        <source>&amp;Target areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/summary_group.py" line="54"/>
        <source>Wards, districts or any polygons: each LSOA counts in the one holding its point inside</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/summary_group.py" line="57"/>
        <source>Summar&amp;ise deprivation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/summary_group.py" line="58"/>
        <source>Run 'Deprivation summary measures': writes the target areas with the measures into the LIS group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/pages/summary_group.py" line="98"/>
        <source>Choose the small areas, their rank and population fields, and the target areas.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LisPlugin</name>
    <message>
        <location filename="../../lis_qgis_plugin/plugin.py" line="61"/>
        <source>&amp;LIS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/plugin.py" line="69"/>
        <source>LIS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/plugin.py" line="74"/>
        <source>Local Information System panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/plugin.py" line="78"/>
        <source>Create sample district…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LisResultLayers</name>
    <message>
        <location filename="../../lis_qgis_plugin/gui/result_layers.py" line="65"/>
        <source>Not added to the project (not a GeoPackage file): {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/result_layers.py" line="70"/>
        <source>The output {0} does not open: not added.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LisStoreCatalogue</name>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="80"/>
        <source>no values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="133"/>
        <source>Search by id, name or source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="134"/>
        <source>Show only the indicators whose id, name or source holds every word typed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="139"/>
        <source>The indicators in the store: select one or more, then Add to map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="140"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="140"/>
        <source>Periods</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="140"/>
        <source>Geography</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="140"/>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="140"/>
        <source>Updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="168"/>
        <source>The store holds no indicators yet: add a table with Add to store.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="170"/>
        <source>{0} indicators in the store.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="179"/>
        <source>{0} (id {1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="263"/>
        <source>GeoPackage file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="263"/>
        <source>PostGIS (team)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="264"/>
        <source>&amp;Store kept in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="264"/>
        <source>One analyst: a GeoPackage file. A team: a PostGIS schema</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="268"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="269"/>
        <source>Indicator store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="270"/>
        <source>{0} beside the project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="273"/>
        <source>Store fil&amp;e</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="275"/>
        <source>The GeoPackage that holds the indicators (created when first added to); empty: {0} beside the project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="284"/>
        <source>Connect&amp;ion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="286"/>
        <source>A PostgreSQL connection saved in QGIS (Data Source Manager), or service=&lt;name&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="292"/>
        <source>Data&amp;base schema</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/store_catalogue.py" line="292"/>
        <source>The schema of the team's store</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LisWhatIf</name>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="84"/>
        <source>Choose the sites to try (a point layer) before starting the what-if tool.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="89"/>
        <source>Choose the road network (a line layer or an .osm.pbf file) for the what-if tool.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="115"/>
        <source>What-if: reading the roads and sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="134"/>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="405"/>
        <source>What-if cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="339"/>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="365"/>
        <source>What-if on the &amp;map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="343"/>
        <source>Try sites on the map: click to add a site, drag a site to move it, right-click to remove it; the catchments and the coverage follow at once</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="349"/>
        <source>Sa&amp;ve scenario…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="352"/>
        <source>Write the scenario's sites to a GeoPackage point layer, added to the LIS group</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="365"/>
        <source>Stop the what-if on the &amp;map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="374"/>
        <source>The what-if tool needs the QGIS map.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="391"/>
        <source>Reading the roads and the sites… {0:.0f}% (click the button again to cancel)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="458"/>
        <source>1 site.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="458"/>
        <source>{0} sites.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="460"/>
        <source>Updated in {0:.2f} s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="469"/>
        <source>Save the scenario's sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="469"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="481"/>
        <source>What-if scenario: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/gui/what_if_tool.py" line="485"/>
        <source>Saved to {0}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoadBoundariesAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_boundaries_algorithm.py" line="44"/>
        <source>Load boundaries (ONS Open Geography Portal)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_boundaries_algorithm.py" line="51"/>
        <source>Downloads boundaries from the ONS Open Geography Portal (ArcGIS FeatureServer layers) for one district (its ONS code, e.g. E06000017) or an extent, in British National Grid (EPSG:27700), and writes them to a GeoPackage with a table 'lis_online_sources' recording the address, the query and the retrieval date.

Boundary sets (BOUNDARY_SET): {0}.

LSOA and MSOA layers carry no district field: a district's areas are those whose names start with the district's name ("Rutland 001A"); wards are those whose point on surface lies inside the district outline; district and county layers are filtered by their code field.

The service names change with each ONS release: SERVICE_URL (a layer URL ending in /FeatureServer/0) replaces the catalogue entry, and BASE_URL (default {1}, or the setting lis/online/onsBaseUrl) points the whole catalogue at a mirror. Downloads page through the layer's maxRecordCount and must return every counted feature; they are cached in the QGIS profile (setting lis/online/cacheFolder, reused for lis/online/cacheDays days, 30 by default) unless REFRESH is set; only a complete download is cached. The proxy and timeout are those of Settings &gt; Options &gt; Network. Each download must finish within lis/online/downloadDeadline seconds ({2:g} by default, retries included) and stay under lis/online/maxDownloadMB ({3} MB by default); more than {4} redirects are refused as a redirect loop.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_boundaries_algorithm.py" line="77"/>
        <source>Boundary set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_boundaries_algorithm.py" line="84"/>
        <source>District code (e.g. E06000017; empty: use the extent)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_boundaries_algorithm.py" line="87"/>
        <source>Extent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_boundaries_algorithm.py" line="91"/>
        <source>Service URL replacing the catalogue entry (ends in /FeatureServer/0)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_boundaries_algorithm.py" line="96"/>
        <source>Base URL of the ArcGIS services (a mirror; empty: ONS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_boundaries_algorithm.py" line="102"/>
        <source>Download again, ignoring the cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_boundaries_algorithm.py" line="106"/>
        <source>Boundaries (GeoPackage)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_boundaries_algorithm.py" line="110"/>
        <source>Features written</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_boundaries_algorithm.py" line="111"/>
        <source>Layer URL the boundaries came from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_boundaries_algorithm.py" line="147"/>
        <source>{0} – {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_boundaries_algorithm.py" line="147"/>
        <source>chosen extent</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoadIndicatorsAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_indicators_algorithm.py" line="42"/>
        <source>Load indicators (Fingertips, Nomis or a URL)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_indicators_algorithm.py" line="49"/>
        <source>Downloads an indicator table and saves it as a file that 'Join indicators to boundaries' reads as its TABLE (chain them in the model designer).

SOURCE 0, Fingertips (OHID, {0}): IDS are indicator ids (93553, 90366), AREA_TYPE the child area type id ({1}), PARENT_CODE the parent area (e.g. E06000017; its area type is found from the code, or give PARENT_AREA_TYPE). The CSV keeps the value, the 95% and 99.8% confidence limits, count, denominator and time period of every row; the join takes the latest period.

SOURCE 1, Nomis ({2}): IDS is the dataset id (NM_144_1), AREA_TYPE the Nomis geography (TYPE151 LSOA 2021, TYPE152 MSOA 2021, TYPE298 LSOA 2011...), PARENT_CODE an optional Nomis geography id the areas lie in, QUERY more options (measures=20100&amp;c_sex=0). Guests get 25,000 rows per call, so LIS pages with RecordOffset; a registered user's uid is read from AUTH_CONFIG (a QGIS authentication configuration holding it as its password), never from plain settings.

SOURCE 2, URL: IDS is the address of a CSV, XLSX or GeoJSON file; a web page (e.g. a sign-in page) is an error.

Downloads are cached (see 'Load boundaries'); REFRESH downloads again. BASE_URL points a source at a mirror. A download cut short (a CSV ending inside a quoted field or mid-row, a gzip answer without its end, broken JSON) is refused and leaves nothing in the cache or at OUTPUT; downloads have the deadline, largest size and redirect limit described in 'Load boundaries'.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_indicators_algorithm.py" line="75"/>
        <source>Indicator table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_indicators_algorithm.py" line="79"/>
        <source>Rows saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/load_indicators_algorithm.py" line="80"/>
        <source>Address the table came from</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LocateServicesAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="66"/>
        <source>Locate new services (p-median, coverage)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="69"/>
        <source>Where should new sites go (a children's centre, GP surgery, library...)? Chooses new sites among candidate points, keeping the existing sites open, and shows what they change.

Demand: points (population-weighted centroids) or polygons (their point on surface) with a population field (WEIGHT_FIELD). An optional NEED_FIELD, read from the demand or from the small area (AREAS) containing each point, multiplies the weight: rule 'decile' (national IMD decile, 1 = most deprived): deciles 1-2 count x2, 3-4 x1.5, 5-10 x1; rule 'score': score / mean score.

Objectives: p-median opens P sites that make the average journey (minutes of travel per resident, weighted by need) shortest; MCLP opens P sites that bring the most residents, weighted by need, within MAX_COST; LSCP opens as few sites as bring everyone who can be covered within MAX_COST (P is ignored; demand no candidate can cover is listed). When no new site could bring anyone within MAX_COST (everyone already is, or no candidate is near the people left), that is the answer: no site is chosen, the outputs are written with before = after and NOTHING_TO_GAIN says why. Problems up to EXACT_LIMIT useful demand-site pairs are solved exactly (HiGHS integer programme); larger p-median problems use greedy + Teitz-Bart swaps and report the gap to a bound.

Costs: travel TO the site on the road network (a line layer or an .osm.pbf/GeoPackage file, cached) in minutes (time) or metres (distance); without a network, straight-line metres (cost 'distance' only). MAX_COST is minutes for time and metres for distance.

Outputs (GeoPackage): the chosen sites in choice order with their marginal gain; each demand point with its nearest open site and cost before (existing sites) and after, and whether covered within MAX_COST; a summary table before / after / change (population-weighted mean and 90th percentile cost, people and most deprived people within MAX_COST). The log starts with one sentence saying what the new sites would change. The inputs are never changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="99"/>
        <source>Demand (population-weighted centroids or small areas)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="105"/>
        <source>Population field (weight)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="111"/>
        <source>Need field (IMD decile or a need score; empty: none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="117"/>
        <source>Need rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="119"/>
        <source>decile: deciles 1-2 x2, 3-4 x1.5, 5-10 x1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="120"/>
        <source>score: score / mean score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="128"/>
        <source>Small areas holding the need field (when the demand points do not)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="135"/>
        <source>Existing sites (stay open)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="140"/>
        <source>Existing sites filter (expression)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="146"/>
        <source>Existing site id field (empty: feature number)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="151"/>
        <source>Candidate sites (points)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="155"/>
        <source>Candidate sites filter (expression)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="160"/>
        <source>Candidate id field (unique; empty: feature number)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="161"/>
        <source>Candidate name field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="166"/>
        <source>Road network (lines; empty: straight line)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="168"/>
        <source>Travel mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="169"/>
        <source>Cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="175"/>
        <source>Objective</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="177"/>
        <source>p-median: shortest average journey</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="178"/>
        <source>MCLP: most people within the maximum cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="179"/>
        <source>LSCP: fewest sites covering everyone within the maximum cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="186"/>
        <source>Number of new sites (P; not used by LSCP)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="192"/>
        <source>Maximum cost: coverage standard (minutes for time, metres for distance)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="198"/>
        <source>Solve exactly up to this many demand-site pairs (larger p-median: heuristic; 0: automatic)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="207"/>
        <source>Chosen sites</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="212"/>
        <source>Nearest open site of each demand point, before and after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="218"/>
        <source>Before / after summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="222"/>
        <source>Headline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="223"/>
        <source>Chosen site ids (in choice order)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/locate_services_algorithm.py" line="226"/>
        <source>Why no new site was chosen (empty when sites were chosen)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NetworkParameters</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/network_parameters.py" line="66"/>
        <source>or road network file (.osm.pbf, GeoPackage)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/network_parameters.py" line="74"/>
        <source>Speed field of the roads, km/h (driving; empty: maxspeed, then road class)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/network_parameters.py" line="82"/>
        <source>Place facilities and people on the main connected network, as routing engines do (off: on the nearest road, even a piece cut off from the rest)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OnlineParameters</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/online_parameters.py" line="58"/>
        <source>A web address (CSV, XLSX)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/online_parameters.py" line="58"/>
        <source>A web address (CSV, XLSX, GeoJSON)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/online_parameters.py" line="59"/>
        <source>Fingertips (OHID)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/online_parameters.py" line="59"/>
        <source>Nomis (ONS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/online_parameters.py" line="62"/>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/online_parameters.py" line="71"/>
        <source>Indicator ids (Fingertips), dataset id (Nomis) or web address (URL)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/online_parameters.py" line="77"/>
        <source>Area type: Fingertips area type id (e.g. 501) or Nomis geography (e.g. TYPE151)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/online_parameters.py" line="83"/>
        <source>Parent area (e.g. E06000017; Nomis: geography id)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/online_parameters.py" line="92"/>
        <source>Fingertips parent area type id (empty: from the parent code)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/online_parameters.py" line="94"/>
        <source>More query options (name=value&amp;name=value)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/online_parameters.py" line="95"/>
        <source>Base URL of the API (a mirror)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/online_parameters.py" line="99"/>
        <source>Download again, ignoring the cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/online_parameters.py" line="106"/>
        <source>Authentication configuration holding the API key (Nomis uid)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/online_parameters.py" line="135"/>
        <source>API key</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServiceCatchmentsAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="72"/>
        <source>Service catchments (travel time or distance)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="75"/>
        <source>Draws the catchment of each facility (GP surgery, school, library...) within travel bands such as 5, 10 and 15 minutes, finds the nearest facility of every demand point and counts who is covered.

Facilities: a point layer, or a CSV/XLSX table with easting/northing or lon/lat columns (FACILITIES_TABLE). FACILITY_FILTER chooses some of them (for example "category" = 'gp_surgery'). Ids must be unique (empty: feature numbers).

Methods: network (roads from a line layer or an OpenStreetMap .osm.pbf, with one-way streets; the built network is cached), straight-line buffers, nearest-facility Voronoi cells clipped to the small areas, or filled travel-time areas on the same network. Travel is measured TO the facility, as people travel to it. Bands are minutes for time and metres for distance; buffers and Voronoi need distance.

Filled travel-time areas cover the homes within reach, as routing services draw them: every cell of a grid (CELL_SIZE, 50 m) takes the network time from the best road within MAX_OFF_NETWORK metres (400 m) plus the walk to it at 4.8 km/h, and each band is the cells within it (holes where nothing is reached). Nearest-facility areas come from the same surface and share their borders. Each demand point's time is the surface at its cell, so the coverage counts exactly the points inside the areas.

Overlapping catchments show everything each facility reaches; nearest-facility catchments give each place to its nearest facility only. Network catchments are the reached roads buffered by BUFFER metres, drawn on a grid of 2/7 of the buffer (outlines within about one cell of the exact buffer; nearest-facility catchments share exact borders).

Demand: population-weighted centroids (DEMAND_POINTS) or the small areas' points on surface, with a population field and an optional national deprivation decile (read from the demand points or from the small area containing them). ASSIGNMENT gives each demand point its nearest facility, cost, band and snap distance; COVERAGE gives population within each band per facility and for all facilities, percentages, and the people in deciles 1-2 beyond each band. The log lists facilities far from the roads or cut off, and demand that reaches no facility. The inputs are never changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="107"/>
        <source>Facilities (points)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="110"/>
        <source>or facilities table (CSV/XLSX with coordinates)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="116"/>
        <source>Facility filter (expression)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="121"/>
        <source>Facility id field (empty: feature number)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="122"/>
        <source>Capacity field (carried to the outputs)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="125"/>
        <source>Road network (lines)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="127"/>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="128"/>
        <source>Cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="129"/>
        <source>Travel mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="130"/>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="184"/>
        <source>Catchments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="135"/>
        <source>Bands (minutes for time, metres for distance)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="141"/>
        <source>Buffer around reached roads (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="148"/>
        <source>Filled areas: cell size (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="151"/>
        <source>Filled areas: longest walk from the road (m)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="164"/>
        <source>Small areas (study area)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="171"/>
        <source>Demand points (e.g. population-weighted centroids)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="175"/>
        <source>Population field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="176"/>
        <source>Deprivation decile field (national, 1 = most deprived)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="180"/>
        <source>Clip catchments to the small areas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="189"/>
        <source>Nearest facility of each demand point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="196"/>
        <source>Coverage table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="217"/>
        <source>Give the facilities as a point layer OR as a table file, not both.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="284"/>
        <source>{0} (filtered)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="288"/>
        <source>{0} {1} filled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="289"/>
        <source>{0} buffer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="290"/>
        <source>Voronoi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="292"/>
        <source>{0} – {1} catchments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="293"/>
        <source>{0} – nearest facility, {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/service_catchments_algorithm.py" line="294"/>
        <source>{0} – {1} coverage</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StoreParameters</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/store_parameters.py" line="35"/>
        <source>Indicator store (GeoPackage path, or pg:&lt;connection&gt; for PostGIS; empty: the project's store)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TargetParameters</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/target_parameters.py" line="36"/>
        <source>Target code field (empty: found automatically, or feature id when there is none)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UpdateStoreAlgorithm</name>
    <message>
        <location filename="../../lis_qgis_plugin/processing/update_store_algorithm.py" line="37"/>
        <source>Update the indicator store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/update_store_algorithm.py" line="40"/>
        <source>Reads every indicator of the store from its source again: online indicators (Fingertips, Nomis, a web address) are downloaded again, past the cache; files are read again when their content changed. Then the stored values before and after are compared, and the REPORT lists per indicator the new periods, the revised values (how many, with examples: area, period, old -&gt; new) and what is unchanged.

INDICATORS limits the update to some ids (comma-separated; empty: all). Every source is read before anything is written: when one fails, the store is left as it was and the message names the source.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/update_store_algorithm.py" line="53"/>
        <source>Indicator ids to update, comma-separated (empty: all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/update_store_algorithm.py" line="59"/>
        <source>Report (HTML)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/update_store_algorithm.py" line="62"/>
        <source>Indicators changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../lis_qgis_plugin/processing/update_store_algorithm.py" line="63"/>
        <source>Values revised</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
