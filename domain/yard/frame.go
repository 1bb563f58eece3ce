package yard

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// WGS84 ellipsoid, used only to size the local plane (metres per degree at the origin).
const (
	wgs84A  = 6378137.0             // semi-major axis, m
	wgs84F  = 1 / 298.257223563     // flattening
	wgs84E2 = wgs84F * (2 - wgs84F) // first eccentricity squared
)

// MaxExtent is how far (m) a layout's geometry may lie from the terminal origin. The local plane is
// meant for a terminal, a few km across; beyond this its east-west scale error passes a metre per km.
const MaxExtent = 20_000.0

// Frame converts between WGS84 (lon, lat in degrees) and the yard-local plane (X east, Y north, in
// metres from the terminal origin). It is an equirectangular map about the origin latitude, scaled
// by the WGS84 ellipsoid's radii of curvature there: x = N·cos φ0·Δλ, y = M·Δφ. The map is affine in
// (lon, lat), so it inverts exactly and straight lines stay straight. Its only error that matters is
// the east-west scale away from the origin's parallel: about tan φ0·Δy/R (1.1e-4 per km north or
// south at Tanger Med), that is under 6 cm per km east-west for points within 500 m north or south
// of the origin. Put the origin in the middle of the terminal. See the package doc.
//
// The zero Frame is not usable; build one with NewFrame. A Frame is a small value, safe to copy and
// to use from many goroutines.
type Frame struct {
	origin orb.Point // WGS84 lon, lat
	mx, my float64   // metres per degree of longitude and of latitude at the origin
}

// NewFrame returns the local plane whose (0, 0) is origin (WGS84 lon, lat).
func NewFrame(origin orb.Point) (Frame, error) {
	lon, lat := origin[0], origin[1]
	if !(lon >= -180 && lon <= 180) || !(lat >= -85 && lat <= 85) {
		return Frame{}, fmt.Errorf("local frame: origin %v is not a WGS84 lon, lat within ±180, ±85", origin)
	}
	phi := lat * math.Pi / 180
	s := math.Sin(phi)
	w := 1 - wgs84E2*s*s
	n := wgs84A / math.Sqrt(w)                       // prime vertical radius of curvature
	m := wgs84A * (1 - wgs84E2) / (w * math.Sqrt(w)) // meridional radius of curvature
	return Frame{
		origin: origin,
		mx:     n * math.Cos(phi) * math.Pi / 180,
		my:     m * math.Pi / 180,
	}, nil
}

// Origin returns the WGS84 lon, lat of the local (0, 0).
func (f Frame) Origin() orb.Point { return f.origin }

// ToLocal converts a WGS84 lon, lat to local metres (X east, Y north).
func (f Frame) ToLocal(p orb.Point) orb.Point {
	dlon := p[0] - f.origin[0]
	// Take the short way round the antimeridian.
	if dlon > 180 {
		dlon -= 360
	} else if dlon < -180 {
		dlon += 360
	}
	return orb.Point{dlon * f.mx, (p[1] - f.origin[1]) * f.my}
}

// ToWGS84 converts local metres (X east, Y north) to a WGS84 lon, lat.
func (f Frame) ToWGS84(p orb.Point) orb.Point {
	lon := f.origin[0] + p[0]/f.mx
	if lon > 180 {
		lon -= 360
	} else if lon < -180 {
		lon += 360
	}
	return orb.Point{lon, f.origin[1] + p[1]/f.my}
}
