package yard

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

var tangerMed = orb.Point{-5.505, 35.885}

func TestFrameRoundTrip(t *testing.T) {
	f, err := NewFrame(tangerMed)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10_000 {
		local := orb.Point{rng.Float64()*10_000 - 5_000, rng.Float64()*10_000 - 5_000}
		back := f.ToLocal(f.ToWGS84(local))
		if d := dist(local, back); d > 1e-6 {
			t.Fatalf("local %v -> WGS84 -> %v: off by %g m", local, back, d)
		}
		wgs := orb.Point{tangerMed[0] + rng.Float64()*0.1 - 0.05, tangerMed[1] + rng.Float64()*0.1 - 0.05}
		// 1 cm is about 9e-8 degrees of longitude here.
		if back := f.ToWGS84(f.ToLocal(wgs)); math.Abs(back[0]-wgs[0]) > 1e-10 || math.Abs(back[1]-wgs[1]) > 1e-10 {
			t.Fatalf("WGS84 %v -> local -> %v", wgs, back)
		}
	}
	if got := f.ToLocal(tangerMed); got != (orb.Point{}) {
		t.Errorf("origin maps to %v, want 0, 0", got)
	}
}

// TestFrameAgainstGeodesic measures the plane against WGS84 geodesic distances (Vincenty) over a
// terminal-sized square around the origin, checking the figures the package doc gives.
func TestFrameAgainstGeodesic(t *testing.T) {
	f, err := NewFrame(tangerMed)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	worst := 0.0
	for range 5_000 {
		a := orb.Point{rng.Float64()*1000 - 500, rng.Float64()*1000 - 500}
		b := orb.Point{rng.Float64()*1000 - 500, rng.Float64()*1000 - 500}
		geo := vincenty(f.ToWGS84(a), f.ToWGS84(b))
		worst = max(worst, math.Abs(dist(a, b)-geo))
	}
	if worst > 0.06 {
		t.Errorf("within 500 m of the origin, local distances are up to %.3f m off the geodesic, want ≤ 0.06 m", worst)
	}
	t.Logf("worst error within 500 m of the origin: %.4f m", worst)

	// North-south along the origin meridian: millimetres per km.
	n := vincenty(f.ToWGS84(orb.Point{0, -1000}), f.ToWGS84(orb.Point{0, 1000}))
	if d := math.Abs(n - 2000); d > 0.002 {
		t.Errorf("2 km north-south is %.4f m on the ellipsoid", n)
	}
}

func TestNewFrameRefuses(t *testing.T) {
	tests := []struct {
		name string
		give orb.Point
	}{
		{"lat out of range", orb.Point{-5.5, 95}},
		{"polar", orb.Point{0, 89}},
		{"lon out of range", orb.Point{190, 35}},
		{"NaN", orb.Point{math.NaN(), 35}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewFrame(tt.give); err == nil {
				t.Errorf("NewFrame(%v) = nil error", tt.give)
			}
		})
	}
}

// vincenty returns the WGS84 geodesic distance (m) between two lon, lat points (Vincenty's inverse
// formula; fine for the short, non-antipodal lines here).
func vincenty(p1, p2 orb.Point) float64 {
	const a, f = wgs84A, wgs84F
	b := a * (1 - f)
	rad := math.Pi / 180
	L := (p2[0] - p1[0]) * rad
	U1 := math.Atan((1 - f) * math.Tan(p1[1]*rad))
	U2 := math.Atan((1 - f) * math.Tan(p2[1]*rad))
	sinU1, cosU1 := math.Sincos(U1)
	sinU2, cosU2 := math.Sincos(U2)
	lambda := L
	var sinSigma, cosSigma, sigma, cos2Alpha, cos2SigmaM float64
	for range 200 {
		sinL, cosL := math.Sincos(lambda)
		sinSigma = math.Hypot(cosU2*sinL, cosU1*sinU2-sinU1*cosU2*cosL)
		if sinSigma == 0 {
			return 0
		}
		cosSigma = sinU1*sinU2 + cosU1*cosU2*cosL
		sigma = math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinL / sinSigma
		cos2Alpha = 1 - sinAlpha*sinAlpha
		cos2SigmaM = cosSigma - 2*sinU1*sinU2/cos2Alpha
		C := f / 16 * cos2Alpha * (4 + f*(4-3*cos2Alpha))
		prev := lambda
		lambda = L + (1-C)*f*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda-prev) < 1e-13 {
			break
		}
	}
	u2 := cos2Alpha * (a*a - b*b) / (b * b)
	A := 1 + u2/16384*(4096+u2*(-768+u2*(320-175*u2)))
	B := u2 / 1024 * (256 + u2*(-128+u2*(74-47*u2)))
	dSigma := B * sinSigma * (cos2SigmaM + B/4*(cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)-
		B/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*cos2SigmaM*cos2SigmaM)))
	return b * A * (sigma - dSigma)
}
