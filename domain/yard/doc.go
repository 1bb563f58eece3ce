// Package yard describes a container terminal's fixed topology (quays, berths, yard blocks, gates,
// cranes) in yard-local metres, names the slots where containers stand, and says which block, berth,
// gate or area a position falls in.
//
// # Frames
//
// Everything in this package is in the yard-local plane: metres from the terminal origin, X east,
// Y north (orb.Point{x, y}). WGS84 (lon, lat) appears only in the layout file and at the edges, through
// Frame, Layout.ToLocal and Layout.ToWGS84.
//
// The local plane is an equirectangular map about the origin, scaled with the WGS84 ellipsoid's radii
// of curvature at the origin latitude φ0: x = N(φ0)·cos φ0·Δλ, y = M(φ0)·Δφ. Because it is affine in
// lon and lat it inverts exactly (a round trip is exact to float rounding) and keeps straight lines
// straight. North-south distances are right to a millimetre per km. East-west distances are right on
// the origin's parallel and stretch by about tan φ0·Δy/R away from it (R ≈ 6,371 km): at Tanger Med
// (35.9° N) that is 1.1e-4 per km of Δy, so under 6 cm per km east-west for points within 500 m north
// or south of the origin. Place the origin in the middle of the terminal; geometry more than
// MaxExtent from it is refused. A spherical equirectangular map (one Earth radius) would be off by
// 2 m per km north-south here, which is why the ellipsoid's radii are used.
//
// # Blocks and slots
//
// A block is a rectangle of Bays × Rows ground slots, each holding one 20-ft container (a TEU),
// stacked up to MaxTiers high; tier 1 is on the ground. A 40-ft container stands on two consecutive
// bays and is addressed by the lower bay. Capacity is bays × rows × tiers TEU.
//
// Bay 1, row 1 is at the block polygon's first corner in the file. Bays are numbered from 1 along the
// longer of the two sides that meet at that corner, rows from 1 along the shorter one. So the author of
// the layout decides where numbering starts (by which corner comes first) and the ring's winding
// decides nothing. Each bay is Length/Bays long and each row Width/Rows wide: a layout is refused if
// that is smaller than a 20-ft container (6.058 m × 2.438 m).
//
// A Slot's text form is "<block>.<bay>.<row>.<tier>", bay and row padded to two digits:
// "A01.07.03.2". Ids of blocks (and of everything else in a layout) are 1 to 32 letters, digits, '-'
// or '_', case-sensitive, so a dot never appears in one.
//
// # Layout file
//
// A layout is a GeoJSON FeatureCollection (RFC 7946, WGS84 lon, lat). Every feature has a "kind"
// property; every feature but the terminal has an "id", unique among features of its kind. Other
// properties (a name, map styling) are ignored. The kinds:
//
//	kind        geometry             properties
//	terminal    Point: local origin  name, locode (UN/LOCODE, e.g. "MAPTM"); exactly one
//	quay        LineString: wall     id, apron_m (apron depth, m), land_side ("left"|"right" of the
//	                                 line, looking from its first position to its last)
//	berth       LineString, 2 pos.   id, length_m (must match the geometry within 1 m); lies on a quay
//	block       Polygon: rectangle   id, equipment ("RTG"|"RMG"|"RS"), bays, rows, max_tiers,
//	                                 purpose ("import"|"export"|"transhipment"|"empty"|"reefer"|"mixed"),
//	                                 reefer_plugs (optional, default 0; required > 0 for "reefer")
//	gate        Polygon              id
//	gate_lane   Point or LineString  id, gate (a gate id), direction ("in"|"out"); lies in its gate
//	quay_crane  Point: home          id
//	yard_crane  Point: home          id, block (a block id)
//	area        Polygon              id, use (free text: "road", "truck_park", …)
//
// A block polygon has four corners and no holes; corners may be up to 0.25 m off a true rectangle
// (rounding), and the block is squared up. Blocks must not overlap. A berth's zone, which Locate
// reports, is the apron behind it: the berth's length by its quay's apron_m, on the land side.
//
// ParseLayout reports every fault it finds, each as a *FeatureError naming the feature's index in the
// features array, its kind and id, the property at fault and the reason.
//
// # Locating points
//
// Layout.Locate answers "which block, berth zone, gate or area is this point in" for equipment
// telemetry, thousands of positions a second. A uniform grid of 8 m cells lists, per cell and in
// order of preference, the places that reach into it, up to the first that covers the whole cell; that
// one answers without a geometry test. Most cells are covered by a block or an area or are empty, so a
// look-up is an index computation and at most a test or two. Blocks and berth zones are tested by
// projecting onto their own axes, gates and areas with planar.PolygonContains. On a busy 2-core
// machine BenchmarkLocate places 8 to 20 million points a second (50-130 ns each), on the shipped
// terminal and on one of 200 blocks alike; testing every polygon in turn places 0.02 to 0.15 million.
package yard
