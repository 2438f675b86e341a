"""A deterministic synthetic district ("Lisford") for the demo and for fast tests.

Everything is made from one seed with numpy's PCG64 generator, so the same seed
always gives the same places, numbers and roads. Codes use ranges that no real
ONS area uses (E01990xxx, E05990xxx, E06990xxx), so the sample can never be
mistaken for, or joined onto, real data.

The district's deprivation is drawn as part of a simulated nation of 32,844
areas (the IMD2019 count), so its ranks and deciles are national, as real ones
are, and the IMD score combines domain ranks with the official exponential
transform and weights.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.cluster.vq import kmeans2
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import Voronoi, cKDTree
from scipy.special import ndtr
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.ops import unary_union
from shapely.prepared import prep

from ..deprivation.deprivation import IMD_DOMAIN_WEIGHTS, NATIONAL_AREAS, exponential_transform, national_quantile
from ..io.gpkg_writer import FeatureTable

DISTRICT_CODE = "E06990001"
DISTRICT_NAME = "Lisford"
SMALL_AREA_CODE_BASE = 1_990_000  # E01990001...
WARD_CODE_BASE = 5_990_000  # E05990001...
CENTRE = (470_000.0, 320_000.0)  # British National Grid metres
WARD_NAMES = (
    "Abbey", "Brookside", "Castle", "Dale Park", "Eastgate", "Fairfield", "Greenhill",
    "Harbour", "Ironbridge", "Kingsmead", "Longmoor", "Millbank", "Northfields", "Oakwood",
    "Priory", "Queensway", "Riverside", "St Anne's", "Trentside", "Upton",
)  # fmt: skip
SERVICE_TYPES = {
    # type: (count, capacity range, capacity unit, name suffix, id prefix)
    "gp_surgery": (12, (3_000, 15_000), "registered patients", "Medical Practice", "GP"),
    "childrens_centre": (7, (300, 1_200), "children aged 0-4 reached", "Children's Centre", "CC"),
    "library": (6, (2_000, 9_000), "active members", "Library", "LIB"),
}
CANDIDATE_KINDS = ("vacant land", "council building", "retail unit", "community hall")
#: How strongly each domain follows the area's underlying deprivation.
DOMAIN_CORRELATION = {
    "income": 0.95, "employment": 0.92, "education": 0.82, "health": 0.86,
    "crime": 0.6, "barriers": 0.3, "living_env": 0.5,
}  # fmt: skip
ProgressCallback = Callable[[float, str], None]


@dataclass(frozen=True)
class SampleSpec:
    """What to generate; the defaults give the documented sample district."""

    seed: int = 1
    small_areas: int = 150
    wards: int = 12
    candidates: int = 10
    radius_m: float = 6_000.0
    road_spacing_m: float = 140.0


@dataclass
class SampleDistrict:
    """The generated layers (for the GeoPackage) and indicator rows (for CSV/XLSX), latest and earlier period."""

    spec: SampleSpec
    layers: list[FeatureTable]
    indicator_rows: list[dict[str, Any]] = field(default_factory=list)
    earlier_indicator_rows: list[dict[str, Any]] = field(default_factory=list)

    def layer(self, name: str) -> FeatureTable:
        """The layer of that name."""
        return next(table for table in self.layers if table.name == name)


def generate_sample_district(
    spec: SampleSpec = SampleSpec(), progress: ProgressCallback | None = None
) -> SampleDistrict:
    """Generate the whole synthetic district; ``progress(percent, message)`` may raise to cancel."""
    report = progress or (lambda _percent, _message: None)
    rng = np.random.default_rng(spec.seed)
    report(0, "Drawing the district outline and where people live")
    outline = _district_outline(rng, spec.radius_m)
    towns = _satellite_towns(rng, spec.radius_m)
    density = _density_function(towns)
    report(10, "Drawing small areas")
    seeds = _small_area_seeds(rng, outline, density, spec.small_areas)
    cells = _voronoi_cells(seeds, outline)
    report(25, "Grouping small areas into wards")
    ward_of = _ward_membership(rng, seeds, cells, spec.wards)
    order = sorted(range(len(seeds)), key=lambda i: (ward_of[i], -round(seeds[i][1], -2), seeds[i][0]))
    seeds, cells, ward_of = seeds[order], [cells[i] for i in order], ward_of[order]
    report(35, "Simulating population and national deprivation ranks")
    areas = _small_area_attributes(rng, seeds, cells, ward_of, density, towns)
    centroids = [_population_weighted_centroid(rng, cell, density) for cell in cells]
    report(50, "Building the road network")
    roads = _road_network(rng, outline, towns, spec)
    report(80, "Placing services and candidate sites")
    road_nodes = np.array(sorted({c for r in roads for c in (r["geometry"].coords[0], r["geometry"].coords[-1])}))
    services = _services(rng, areas, cells, centroids, road_nodes)
    candidates = _candidate_sites(rng, areas, cells, centroids, road_nodes, services, spec.candidates)
    report(90, "Assembling layers")
    layers = _assemble_layers(spec, outline, cells, areas, centroids, roads, services, candidates)
    indicator_rows = _health_indicators(rng, areas)
    # The year before comes from its own random stream, so adding it changed none of the values above.
    earlier = _health_indicators(np.random.default_rng([spec.seed, 1]), areas, EARLIER_PERIOD_SHIFT)
    return SampleDistrict(spec=spec, layers=layers, indicator_rows=indicator_rows, earlier_indicator_rows=earlier)


# --- geometry of the district --------------------------------------------------------------


def _district_outline(rng: np.random.Generator, radius: float) -> Polygon:
    """An irregular star-shaped outline of roughly pi * radius^2."""
    theta = np.linspace(0, 2 * np.pi, 96, endpoint=False)
    phases = rng.uniform(0, 2 * np.pi, 3)
    r = radius * (1 + 0.12 * np.sin(3 * theta + phases[0]) + 0.07 * np.sin(5 * theta + phases[1])
                  + 0.03 * np.sin(11 * theta + phases[2]))  # fmt: skip
    return Polygon(zip(CENTRE[0] + r * np.cos(theta), CENTRE[1] + r * np.sin(theta)))


def _satellite_towns(rng: np.random.Generator, radius: float) -> np.ndarray:
    """Three small towns away from the centre; the first is a deprived former industrial town."""
    angles = rng.uniform(0, 2 * np.pi) + np.array([0.0, 2.1, 4.2]) + rng.uniform(-0.3, 0.3, 3)
    distances = radius * rng.uniform(0.55, 0.7, 3)
    return np.column_stack([CENTRE[0] + distances * np.cos(angles), CENTRE[1] + distances * np.sin(angles)])


def _density_function(towns: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Relative population density: a city core, three towns and a thin rural base."""

    def density(xy: np.ndarray) -> np.ndarray:
        xy = np.atleast_2d(xy)
        core = np.exp(-((np.hypot(xy[:, 0] - CENTRE[0], xy[:, 1] - CENTRE[1]) / 2_300) ** 2))
        town = sum(0.45 * np.exp(-((np.hypot(xy[:, 0] - tx, xy[:, 1] - ty) / 750) ** 2)) for tx, ty in towns)
        return 0.035 + core + town

    return density


def _random_points_in(rng: np.random.Generator, polygon: Polygon, count: int) -> np.ndarray:
    """Uniform random points inside a polygon (rejection from its bounding box)."""
    prepared = prep(polygon)
    minx, miny, maxx, maxy = polygon.bounds
    points: list[tuple[float, float]] = []
    while len(points) < count:
        batch = rng.uniform((minx, miny), (maxx, maxy), size=(max(64, 4 * count), 2))
        points.extend(tuple(p) for p in batch if prepared.contains(Point(p)))
    return np.array(points[:count])


def _small_area_seeds(rng: np.random.Generator, outline: Polygon, density: Callable, count: int) -> np.ndarray:
    """Seeds spaced so that every small area holds a similar number of people."""
    pool = _random_points_in(rng, outline, count * 60)
    weights = density(pool)
    chosen = rng.choice(len(pool), size=count, replace=False, p=weights / weights.sum())
    seeds = pool[np.sort(chosen)]
    for _ in range(2):  # half a Lloyd step: tidier shapes, density gradient kept
        cells = _voronoi_cells(seeds, outline)
        centroids = np.array([cell.centroid.coords[0] for cell in cells])
        inside = np.array([outline.contains(Point(c)) for c in centroids])
        seeds = np.where(inside[:, None], (seeds + centroids) / 2, seeds)
    return seeds


def _voronoi_cells(seeds: np.ndarray, outline: Polygon) -> list[Polygon | MultiPolygon]:
    """Voronoi cells of the seeds clipped to the outline, in the seeds' order.

    scipy's Qhull is used rather than shapely's voronoi_diagram, which crashes on
    some point sets with GEOS 3.11. A ring of far-away guard points makes every
    seed's cell finite.
    """
    angles = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    reach = 20 * max(outline.bounds[2] - outline.bounds[0], outline.bounds[3] - outline.bounds[1])
    guards = np.column_stack([CENTRE[0] + reach * np.cos(angles), CENTRE[1] + reach * np.sin(angles)])
    diagram = Voronoi(np.vstack([seeds, guards]))
    cells = []
    for index in range(len(seeds)):
        region = diagram.regions[diagram.point_region[index]]
        cells.append(Polygon(diagram.vertices[region]).intersection(outline))
    return cells


def _ward_membership(rng: np.random.Generator, seeds: np.ndarray, cells: list, wards: int) -> np.ndarray:
    """Group small areas into contiguous wards of similar size, numbered from north-west to south-east."""
    _, labels = kmeans2(seeds, wards, minit="++", seed=rng)
    neighbours = _adjacency(cells)
    labels = _balance_ward_sizes(_make_contiguous(labels, neighbours), neighbours)
    centres = [seeds[labels == w].mean(axis=0) for w in range(wards)]
    rank = sorted(range(wards), key=lambda w: (-round(centres[w][1], -3), centres[w][0]))
    renumber = {old: new for new, old in enumerate(rank)}
    return np.array([renumber[label] for label in labels])


def _adjacency(cells: list) -> list[set[int]]:
    """For each small area, the areas that share a border with it (not just a corner)."""
    bounds = np.array([cell.bounds for cell in cells])
    neighbours: list[set[int]] = [set() for _ in cells]
    for i, (minx, miny, maxx, maxy) in enumerate(bounds):
        overlapping = (bounds[:, 0] <= maxx) & (bounds[:, 2] >= minx) & (bounds[:, 1] <= maxy) & (bounds[:, 3] >= miny)
        for j in np.flatnonzero(overlapping):
            if j > i and cells[i].intersection(cells[j]).length > 1.0:
                neighbours[i].add(int(j))
                neighbours[int(j)].add(i)
    return neighbours


def _pieces(members: set[int], neighbours: list[set[int]]) -> list[set[int]]:
    """The connected pieces of a set of areas, largest first."""
    pieces, unseen = [], set(members)
    while unseen:
        piece, frontier = set(), [min(unseen)]
        while frontier:
            area = frontier.pop()
            if area in piece:
                continue
            piece.add(area)
            frontier.extend(neighbours[area] & unseen - piece)
        pieces.append(piece)
        unseen -= piece
    return sorted(pieces, key=lambda piece: (-len(piece), min(piece)))


def _make_contiguous(labels: np.ndarray, neighbours: list[set[int]]) -> np.ndarray:
    """Give areas cut off from the main piece of their ward to the ward most of their neighbours are in."""
    labels = labels.copy()
    for ward in range(labels.max() + 1):
        for piece in _pieces(set(np.flatnonzero(labels == ward)), neighbours)[1:]:
            for area in sorted(piece):
                outside = [int(labels[j]) for j in sorted(neighbours[area]) if labels[j] != ward]
                if outside:
                    labels[area] = max(sorted(set(outside)), key=outside.count)
    return labels


def _balance_ward_sizes(labels: np.ndarray, neighbours: list[set[int]]) -> np.ndarray:
    """Move border areas from bigger to smaller neighbouring wards while wards stay contiguous.

    Each move takes an area from ward a to an adjacent ward b with size(b) + 1 < size(a),
    which strictly lowers the sum of squared ward sizes, so the search always ends.
    """
    labels = labels.copy()
    while True:
        sizes = np.bincount(labels)
        moves = sorted(
            (int(sizes[b] - sizes[labels[i]]), i, b)
            for i in range(len(labels))
            for b in sorted({int(labels[j]) for j in neighbours[i]})
            if sizes[b] + 1 < sizes[labels[i]]
        )
        for _, area, ward in moves:
            remaining = set(np.flatnonzero(labels == labels[area])) - {area}
            if len(_pieces(remaining, neighbours)) == 1:
                labels[area] = ward
                break
        else:
            return labels


def _population_weighted_centroid(rng: np.random.Generator, cell: Any, density: Callable) -> tuple[float, float]:
    """Where the area's people live on average; always a point inside the area."""
    homes = _random_points_in(rng, cell, 150)
    weights = density(homes)
    mean = (homes * weights[:, None]).sum(axis=0) / weights.sum()
    nearest_home = homes[np.argmin(np.hypot(*(homes - mean).T))]
    return float(nearest_home[0]), float(nearest_home[1])


# --- people and deprivation ----------------------------------------------------------------


def _deprivation_latent(rng: np.random.Generator, seeds: np.ndarray, towns: np.ndarray) -> np.ndarray:
    """Underlying deprivation: a deprived inner city and former industrial town, leafy suburbs."""
    d_centre = np.hypot(seeds[:, 0] - CENTRE[0], seeds[:, 1] - CENTRE[1])
    d_town = np.hypot(seeds[:, 0] - towns[0, 0], seeds[:, 1] - towns[0, 1])
    pattern = 1.9 * np.exp(-((d_centre / 1_900) ** 2)) + 1.3 * np.exp(-((d_town / 1_000) ** 2))
    pattern -= 0.9 * np.exp(-(((d_centre - 3_300) / 1_200) ** 2))
    noise = rng.normal(0, 0.55, len(seeds))
    _, neighbours = cKDTree(seeds).query(seeds, k=5)
    smooth_noise = 0.5 * noise + 0.5 * noise[neighbours].mean(axis=1)
    return pattern - 0.2 + smooth_noise


def _national_ranks(values: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest value (the most deprived), ties broken by position."""
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(1, len(values) + 1)
    return ranks


def _domain_scores(domain: str, latent: np.ndarray) -> np.ndarray:
    """Published-looking scores: rates for income and employment, z-scores for health and crime."""
    share = ndtr(latent)
    shapes = {
        "income": 0.005 + 0.55 * share**2.2,
        "employment": 0.005 + 0.45 * share**2.2,
        "education": 0.2 + 85 * share**1.8,
        "health": np.clip(latent, -3.5, 3.5),
        "crime": np.clip(0.9 * latent, -3.5, 3.5),
        "barriers": 5 + 55 * share**1.3,
        "living_env": 3 + 80 * share**1.6,
    }
    return np.round(shapes[domain], 3)


def _small_area_attributes(
    rng: np.random.Generator, seeds: np.ndarray, cells: list, ward_of: np.ndarray, density: Callable, towns: np.ndarray
) -> list[dict[str, Any]]:
    """Codes, names, population and deprivation (national ranks) of each small area."""
    n = len(seeds)
    national_n = NATIONAL_AREAS["IMD2019"]
    latent = _deprivation_latent(rng, seeds, towns)
    nation = rng.standard_normal(national_n)
    nation[:n] = latent  # the district is the first n areas of the simulated nation
    domains: dict[str, dict[str, np.ndarray]] = {}
    transformed = np.zeros(national_n)
    for domain, rho in DOMAIN_CORRELATION.items():
        domain_latent = rho * nation + np.sqrt(1 - rho**2) * rng.standard_normal(national_n)
        ranks = _national_ranks(domain_latent)
        domains[domain] = {"score": _domain_scores(domain, domain_latent[:n]), "rank": ranks[:n]}
        transformed += IMD_DOMAIN_WEIGHTS[domain] * np.array([exponential_transform(r, national_n) for r in ranks])
    imd_rank = _national_ranks(transformed)
    population = np.clip(np.round(1_600 * rng.lognormal(0, 0.18, n)), 1_000, 3_000).astype(int)
    child_share = np.clip(0.058 + 0.012 * latent + rng.normal(0, 0.006, n), 0.03, 0.1)
    older_share = np.clip(0.19 - 0.04 * latent + rng.normal(0, 0.02, n), 0.06, 0.35)
    letters: dict[int, int] = {}
    areas = []
    for i in range(n):
        ward = int(ward_of[i])
        letters[ward] = letters.get(ward, -1) + 1
        row: dict[str, Any] = {
            "lsoa_code": f"E0{SMALL_AREA_CODE_BASE + i + 1:07d}",
            "lsoa_name": f"{DISTRICT_NAME} {ward + 1:03d}{_letters(letters[ward])}",
            "ward_code": f"E0{WARD_CODE_BASE + ward + 1:07d}",
            "ward_name": WARD_NAMES[ward],
            "district_code": DISTRICT_CODE,
            "district_name": DISTRICT_NAME,
            "pop_total": int(population[i]),
            "pop_0_4": int(round(population[i] * child_share[i])),
            "pop_65_plus": int(round(population[i] * older_share[i])),
            "imd_score": round(float(transformed[i]), 3),
            "imd_rank": int(imd_rank[i]),
            "imd_decile": national_quantile(int(imd_rank[i]), national_n),
            "latent": float(latent[i]),
        }
        for domain, values in domains.items():
            rank = int(values["rank"][i])
            row[f"{domain}_score"] = float(values["score"][i])
            row[f"{domain}_rank"] = rank
            row[f"{domain}_decile"] = national_quantile(rank, national_n)
        areas.append(row)
    return areas


def _letters(index: int) -> str:
    """A, B, ..., Z, AA, AB, ... as in ONS small-area names."""
    text = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        text = chr(65 + remainder) + text
    return text


# --- roads -----------------------------------------------------------------------------------

#: A road of the grid: its two node numbers and its OpenStreetMap highway class.
Edge = tuple[int, int, str]
_SPEED_MPH = {"20 mph": 20, "30 mph": 30, "40 mph": 40, "50 mph": 50, "national": 60}
_SERVICE_SPEED_KPH = 15.0


def _road_network(rng: np.random.Generator, outline: Polygon, towns: np.ndarray, spec: SampleSpec) -> list[dict]:
    """A jittered street grid with A and B roads, rural lanes, a few one-way streets and footpaths.

    The drivable roads form one strongly connected network, so every node can reach
    every other by car, and the whole network (walking) is connected too.
    """
    spacing = spec.road_spacing_m
    half = int(np.ceil(spec.radius_m * 1.25 / spacing))
    offsets = np.arange(-half, half + 1)
    gx, gy = np.meshgrid(offsets, offsets, indexing="ij")
    xy = np.column_stack([CENTRE[0] + gx.ravel() * spacing, CENTRE[1] + gy.ravel() * spacing])
    xy += rng.uniform(-0.22 * spacing, 0.22 * spacing, xy.shape)
    prepared = prep(outline)
    inside = np.array([prepared.contains(Point(p)) for p in xy])
    size = len(offsets)
    d_centre = np.hypot(xy[:, 0] - CENTRE[0], xy[:, 1] - CENTRE[1])
    d_town = np.min([np.hypot(xy[:, 0] - tx, xy[:, 1] - ty) for tx, ty in towns], axis=0)
    urban = (d_centre < 0.5 * spec.radius_m) | (d_town < 900)

    edges: list[Edge] = []
    for i in range(size):
        for j in range(size):
            a = i * size + j
            # The east neighbour lies on the same grid row (offset j), the north one on column i.
            neighbours = [(a + size, offsets[j])] if i + 1 < size else []
            neighbours += [(a + 1, offsets[i])] if j + 1 < size else []
            for b, line_offset in neighbours:
                if not (inside[a] and inside[b]):
                    continue
                highway = _road_class(int(line_offset), bool(urban[a] and urban[b]))
                drop = {"residential": 0.12, "unclassified": 0.5}.get(highway, 0.0)
                if rng.random() < drop:
                    continue
                edges.append((a, b, highway))
    edges = _largest_component(edges)
    flags = _street_flags(rng, edges, d_centre)
    roads = []
    for index, ((a, b, highway), (flag, oneway)) in enumerate(zip(edges, flags)):
        highway = {"footway": "footway", "service": "service"}.get(flag, highway)
        maxspeed = _maxspeed(highway, bool(urban[a] and urban[b]), float(min(d_centre[a], d_centre[b])))
        start, end = (b, a) if oneway == "-1" else (a, b)  # "-1" ways are drawn against their traffic
        roads.append({
            "road_id": index + 1,
            "highway": highway,
            "ref": _road_ref(highway, int(min(a, b))),
            "maxspeed": maxspeed,
            "speed_kph": _speed_kph(highway, maxspeed),
            "oneway": oneway,
            "access": "private" if flag == "private" else None,
            "geometry": LineString([tuple(np.round(xy[start], 2)), tuple(np.round(xy[end], 2))]),
        })  # fmt: skip
    return roads


def _road_class(line_offset: int, urban: bool) -> str:
    """A roads through the centre, B roads every 18 lines, minor roads every 6, streets between."""
    if line_offset == 0:
        return "primary"
    if line_offset % 18 == 0:
        return "secondary"
    if line_offset % 6 == 0:
        return "tertiary"
    return "residential" if urban else "unclassified"


def _road_ref(highway: str, node: int) -> str | None:
    """Road numbers for the classified roads, as OSM's ``ref`` tag."""
    return {"primary": "A6120" if node % 2 else "A6121", "secondary": "B6400"}.get(highway)


def _maxspeed(highway: str, urban: bool, d_centre: float) -> str | None:
    """OSM-style ``maxspeed`` text: 20 mph in the core, 30 mph in towns, national limit outside."""
    if highway in ("footway", "service"):
        return None
    if urban:
        return "20 mph" if highway == "residential" and d_centre < 1_500 else "30 mph"
    return {"primary": "national", "secondary": "50 mph", "tertiary": "40 mph"}.get(highway, "national")


def _speed_kph(highway: str, maxspeed: str | None) -> float | None:
    """Typical free-flow car speed in km/h: the limit, but slower on narrow rural lanes."""
    if highway == "footway":
        return None
    if maxspeed is None:
        return _SERVICE_SPEED_KPH
    mph = _SPEED_MPH[maxspeed] * (0.75 if highway == "unclassified" else 1.0)
    return round(mph * 1.609344, 1)


def _largest_component(edges: list[Edge]) -> list[Edge]:
    """Keep only the edges of the largest connected piece of the grid."""
    nodes = np.array([[a, b] for a, b, _ in edges])
    size = int(nodes.max()) + 1
    graph = coo_matrix((np.ones(len(edges)), (nodes[:, 0], nodes[:, 1])), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    largest = np.bincount(labels[nodes[:, 0]]).argmax()
    return [edge for edge in edges if labels[edge[0]] == largest]


def _street_flags(rng: np.random.Generator, edges: list[Edge], d_centre: np.ndarray) -> list[tuple[str, str]]:
    """Mark some streets one-way, some as footpaths or private service roads, keeping car access to every node."""
    flags = []
    for a, b, highway in edges:
        roll = rng.random()
        flag, oneway = "", "no"
        if highway == "residential":
            if roll < 0.06 and min(d_centre[a], d_centre[b]) < 2_500:
                oneway = "yes" if rng.random() < 0.7 else "-1"
            elif roll < 0.09:
                flag = "footway"
            elif roll < 0.11:
                flag = "service"
            elif roll < 0.12:
                flag = "private"
        flags.append((flag, oneway))
    # Drop restrictions that cut any node off from the rest of the drivable network.
    while True:
        lost = _nodes_outside_main_drivable_component(edges, flags)
        if not lost:
            return flags
        for index, (a, b, _) in enumerate(edges):
            if flags[index] != ("", "no") and (a in lost or b in lost):
                flags[index] = ("", "no")


def _nodes_outside_main_drivable_component(edges: list[Edge], flags: list[tuple[str, str]]) -> set[int]:
    """Nodes that cannot reach and be reached from the main strongly connected car network."""
    rows: list[int] = []
    cols: list[int] = []
    for (a, b, _), (flag, oneway) in zip(edges, flags):
        if flag in ("footway", "private"):
            continue
        if oneway in ("no", "yes"):
            rows.append(a)
            cols.append(b)
        if oneway in ("no", "-1"):
            rows.append(b)
            cols.append(a)
    all_nodes = {n for a, b, _ in edges for n in (a, b)}
    size = max(all_nodes) + 1
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(size, size))
    _, labels = connected_components(graph, directed=True, connection="strong")
    main = np.bincount(labels[sorted(all_nodes)]).argmax()
    return {n for n in all_nodes if labels[n] != main}


# --- services and candidate sites --------------------------------------------------------------


def _near_road(rng: np.random.Generator, point: tuple[float, float], road_nodes: np.ndarray) -> tuple[float, float]:
    """A building plot 15-40 m from the road junction nearest to ``point``."""
    node = road_nodes[np.argmin(np.hypot(*(road_nodes - np.array(point)).T))]
    angle, distance = rng.uniform(0, 2 * np.pi), rng.uniform(15, 40)
    return round(float(node[0] + distance * np.cos(angle)), 2), round(float(node[1] + distance * np.sin(angle)), 2)


def _area_containing(cells: list, point: tuple[float, float]) -> int:
    """Index of the small area that contains a point (or the nearest one)."""
    p = Point(point)
    return min(range(len(cells)), key=lambda i: (not cells[i].contains(p), cells[i].distance(p)))


def _services(
    rng: np.random.Generator, areas: list, cells: list, centroids: list, road_nodes: np.ndarray
) -> list[dict]:
    """Services of three types where people live, busier areas more likely to have one."""
    population = np.array([a["pop_total"] for a in areas], dtype=float)
    services: list[dict] = []
    for service_type, (count, (low, high), unit, suffix, prefix) in SERVICE_TYPES.items():
        hosts = rng.choice(len(areas), size=count, replace=False, p=population / population.sum())
        for number, host in enumerate(sorted(hosts), start=1):
            point = _near_road(rng, centroids[host], road_nodes)
            area = areas[_area_containing(cells, point)]
            name = f"{area['ward_name']} {suffix}"
            duplicates = sum(s["name"].startswith(name) for s in services)
            services.append({
                "service_id": f"{prefix}{number:02d}",
                "name": name if not duplicates else f"{name} {duplicates + 1}",
                "service_type": service_type,
                "capacity": int(rng.integers(low // 100, high // 100 + 1) * 100),
                "capacity_unit": unit,
                "lsoa_code": area["lsoa_code"],
                "ward_code": area["ward_code"],
                "geometry": Point(point),
            })  # fmt: skip
    return services


def _candidate_sites(
    rng: np.random.Generator,
    areas: list,
    cells: list,
    centroids: list,
    road_nodes: np.ndarray,
    services: list,
    count: int,
) -> list[dict]:
    """Possible new sites, in populated areas that are far from today's services."""
    service_xy = np.array([s["geometry"].coords[0] for s in services])
    distance = np.array([np.min(np.hypot(*(service_xy - np.array(c)).T)) for c in centroids])
    underserved = np.argsort(-distance * np.array([a["pop_total"] for a in areas]), kind="stable")[: count * 3]
    hosts = sorted(rng.choice(underserved, size=count, replace=False))
    sites = []
    for number, host in enumerate(hosts, start=1):
        point = _near_road(rng, centroids[host], road_nodes)
        area = areas[_area_containing(cells, point)]
        sites.append({
            "site_id": f"C{number:02d}",
            "name": f"Candidate site {number} ({area['ward_name']})",
            "site_kind": CANDIDATE_KINDS[int(rng.integers(len(CANDIDATE_KINDS)))],
            "lsoa_code": area["lsoa_code"],
            "ward_code": area["ward_code"],
            "geometry": Point(point),
        })  # fmt: skip
    return sites


# --- indicator table rows ----------------------------------------------------------------------


#: The year before the latest: slightly fewer admissions and people, slightly more smokers.
EARLIER_PERIOD_SHIFT = {"admissions": 0.93, "population": 0.99, "obesity": 0.0, "smoking": 0.8}
_LATEST_SHIFT = {"admissions": 1.0, "population": 1.0, "obesity": 0.0, "smoking": 0.0}


def _health_indicators(
    rng: np.random.Generator, areas: list, shift: dict[str, float] = _LATEST_SHIFT
) -> list[dict[str, Any]]:
    """Health indicators per small area, with small counts suppressed as publishers do.

    ``shift`` moves the rates for another period (admissions and population scaled, smoking added).
    """
    rows = []
    for area in areas:
        z = area["latent"]
        population = round(area["pop_total"] * shift["population"])
        admissions = int(rng.poisson(population * 0.075 * shift["admissions"] * np.exp(0.25 * z)))
        year6 = int(rng.poisson(area["pop_0_4"] * 0.2))
        obese = int(rng.binomial(year6, float(np.clip(0.2 + 0.04 * z + shift["obesity"], 0.05, 0.45)))) if year6 else 0
        rows.append({
            "lsoa_code": area["lsoa_code"],
            "lsoa_name": area["lsoa_name"],
            "population": population,
            "emergency_admissions": admissions,
            "emergency_admissions_rate": round(1_000 * admissions / population, 1),
            "year6_measured": year6,
            # Counts under 10 children are suppressed, as in the National Child Measurement Programme.
            "year6_obese_pct": round(100 * obese / year6, 1) if year6 >= 10 else None,
            "year6_obese": obese if year6 >= 10 else None,
            "smoking_pct": round(float(np.clip(13 + shift["smoking"] + 4.5 * z + rng.normal(0, 1.5), 3, 40)), 1),
        })  # fmt: skip
    return rows


# --- layers -------------------------------------------------------------------------------------


def _multipolygon_wkb(geometry: Any) -> bytes:
    """WKB of a polygon as a MultiPolygon, the usual type of ONS boundary layers."""
    parts = [geometry] if geometry.geom_type == "Polygon" else list(geometry.geoms)
    return MultiPolygon(parts).wkb


def _point_table(name: str, rows: list[dict], fields: list[tuple[str, type]]) -> FeatureTable:
    return FeatureTable(name, fields, rows, "Point", [r["geometry"].wkb for r in rows])


def _assemble_layers(
    spec: SampleSpec,
    outline: Polygon,
    cells: list,
    areas: list,
    centroids: list,
    roads: list,
    services: list,
    candidates: list,
) -> list[FeatureTable]:
    """Turn the generated pieces into the GeoPackage's layers."""
    area_fields = [
        ("lsoa_code", str), ("lsoa_name", str), ("ward_code", str), ("ward_name", str),
        ("district_code", str), ("district_name", str), ("pop_total", int), ("pop_0_4", int), ("pop_65_plus", int),
        ("imd_score", float), ("imd_rank", int), ("imd_decile", int),
    ]  # fmt: skip
    for domain in DOMAIN_CORRELATION:
        area_fields += [(f"{domain}_score", float), (f"{domain}_rank", int), (f"{domain}_decile", int)]
    wards = []
    ward_geometries = []
    for ward_code in sorted({a["ward_code"] for a in areas}):
        members = [i for i, a in enumerate(areas) if a["ward_code"] == ward_code]
        wards.append({
            "ward_code": ward_code, "ward_name": areas[members[0]]["ward_name"],
            "district_code": DISTRICT_CODE, "district_name": DISTRICT_NAME,
            "pop_total": sum(areas[i]["pop_total"] for i in members), "small_areas": len(members),
        })  # fmt: skip
        ward_geometries.append(_multipolygon_wkb(unary_union([cells[i] for i in members])))
    district = [{
        "district_code": DISTRICT_CODE, "district_name": DISTRICT_NAME,
        "pop_total": sum(a["pop_total"] for a in areas), "small_areas": len(areas), "wards": len(wards),
    }]  # fmt: skip
    centroid_rows = [
        {"lsoa_code": a["lsoa_code"], "lsoa_name": a["lsoa_name"], "pop_total": a["pop_total"], "geometry": Point(c)}
        for a, c in zip(areas, centroids)
    ]
    info = [
        {"key": "generator", "value": "lis_qgis_plugin.core.sample.sample_district"},
        {"key": "seed", "value": str(spec.seed)},
        {"key": "national_areas", "value": str(NATIONAL_AREAS["IMD2019"])},
        {"key": "crs", "value": "EPSG:27700"},
        {"key": "note", "value": "Synthetic data: the places, people and services are invented."},
    ]
    road_fields = [("road_id", int), ("highway", str), ("ref", str), ("maxspeed", str), ("speed_kph", float),
                   ("oneway", str), ("access", str)]  # fmt: skip
    service_fields = [("service_id", str), ("name", str), ("service_type", str), ("capacity", int),
                      ("capacity_unit", str), ("lsoa_code", str), ("ward_code", str)]  # fmt: skip
    centroid_fields = [("lsoa_code", str), ("lsoa_name", str), ("pop_total", int)]
    candidate_fields: list[tuple[str, type]] = [("site_id", str), ("name", str), ("site_kind", str),
                                                ("lsoa_code", str), ("ward_code", str)]  # fmt: skip
    return [
        FeatureTable("district", [(k, type(v)) for k, v in district[0].items()], district, "MultiPolygon",
                     [_multipolygon_wkb(outline)]),
        FeatureTable("wards", [(k, type(v)) for k, v in wards[0].items()], wards, "MultiPolygon", ward_geometries),
        FeatureTable("small_areas", area_fields, areas, "MultiPolygon", [_multipolygon_wkb(c) for c in cells]),
        _point_table("popweighted_centroids", centroid_rows, centroid_fields),
        _point_table("services", services, service_fields),
        _point_table("candidate_sites", candidates, candidate_fields),
        FeatureTable("roads", road_fields, roads, "LineString", [r["geometry"].wkb for r in roads]),
        FeatureTable("sample_info", [("key", str), ("value", str)], info),
    ]  # fmt: skip
