package simulator

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/yardtwin/yardtwin/domain/yard"
)

// router finds the way of a truck through the yard: never across a block, around the blocks'
// corners. It is a visibility graph: its nodes are points a few metres off each block corner, with
// an edge between two nodes when the straight line between them crosses no block; the shortest
// ways between nodes are computed once (Floyd–Warshall), and a trip from p to q is the straight
// line when it is clear, else p, the best pair of nodes p and q can see, and the way between them.
type router struct {
	blocks []obstacle
	nodes  []orb.Point
	dist   [][]float64 // shortest way between nodes, m; +Inf when there is none
	next   [][]int     // next node on that way
	seen   map[orb.Point][]sight
}

// obstacle is a block's rectangle in its own frame (s along the bays, t along the rows) and its
// bounding box in the local frame.
type obstacle struct {
	b    *yard.Block
	lo   orb.Point
	hi   orb.Point
	l, w float64
}

// sight is a node seen from a point, and how far it is.
type sight struct {
	node int
	d    float64
}

// cornerMargin is how far off a block's corner (m, along both axes) a truck turns.
const cornerMargin = 4.0

func newRouter(blocks []*yard.Block) *router {
	r := &router{seen: map[orb.Point][]sight{}}
	for _, b := range blocks {
		bb := b.Polygon.Bound()
		r.blocks = append(r.blocks, obstacle{b: b, lo: bb.Min, hi: bb.Max, l: b.Length, w: b.Width})
	}
	for _, o := range r.blocks {
		for _, c := range [][2]float64{{-cornerMargin, -cornerMargin}, {o.l + cornerMargin, -cornerMargin}, {o.l + cornerMargin, o.w + cornerMargin}, {-cornerMargin, o.w + cornerMargin}} {
			p := at(o.b, c[0], c[1])
			if !r.inside(p) {
				r.nodes = append(r.nodes, p)
			}
		}
	}
	n := len(r.nodes)
	r.dist = make([][]float64, n)
	r.next = make([][]int, n)
	for i := range n {
		r.dist[i] = make([]float64, n)
		r.next[i] = make([]int, n)
		for j := range n {
			r.dist[i][j], r.next[i][j] = math.Inf(1), -1
		}
		r.dist[i][i], r.next[i][i] = 0, i
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			if r.clear(r.nodes[i], r.nodes[j]) {
				d := dist(r.nodes[i], r.nodes[j])
				r.dist[i][j], r.dist[j][i] = d, d
				r.next[i][j], r.next[j][i] = j, i
			}
		}
	}
	for k := range n {
		for i := range n {
			dik := r.dist[i][k]
			if math.IsInf(dik, 1) {
				continue
			}
			for j := range n {
				if d := dik + r.dist[k][j]; d < r.dist[i][j] {
					r.dist[i][j], r.next[i][j] = d, r.next[i][k]
				}
			}
		}
	}
	return r
}

// at returns the local point s metres along the block's bay axis and t along its row axis from its
// corner.
func at(b *yard.Block, s, t float64) orb.Point {
	return orb.Point{b.Corner[0] + s*b.BayAxis[0] + t*b.RowAxis[0], b.Corner[1] + s*b.BayAxis[1] + t*b.RowAxis[1]}
}

// inside reports whether p lies within a block (edges excluded).
func (r *router) inside(p orb.Point) bool {
	for _, o := range r.blocks {
		s, t := o.coords(p)
		if s > 0 && s < o.l && t > 0 && t < o.w {
			return true
		}
	}
	return false
}

func (o *obstacle) coords(p orb.Point) (s, t float64) {
	b := o.b
	dx, dy := p[0]-b.Corner[0], p[1]-b.Corner[1]
	return dx*b.BayAxis[0] + dy*b.BayAxis[1], dx*b.RowAxis[0] + dy*b.RowAxis[1]
}

// crosses reports whether the segment p–q passes through the block's interior (shrunk by a few
// centimetres, so that running along an edge or touching a corner does not count).
func (o *obstacle) crosses(p, q orb.Point) bool {
	if math.Max(p[0], q[0]) < o.lo[0] || math.Min(p[0], q[0]) > o.hi[0] ||
		math.Max(p[1], q[1]) < o.lo[1] || math.Min(p[1], q[1]) > o.hi[1] {
		return false
	}
	const eps = 0.05
	s0, t0 := o.coords(p)
	s1, t1 := o.coords(q)
	// Liang–Barsky: clip the segment to the rectangle [eps, l-eps] × [eps, w-eps].
	u0, u1 := 0.0, 1.0
	ds, dt := s1-s0, t1-t0
	for _, c := range [4][2]float64{{-ds, s0 - eps}, {ds, o.l - eps - s0}, {-dt, t0 - eps}, {dt, o.w - eps - t0}} {
		pp, qq := c[0], c[1]
		if pp == 0 {
			if qq < 0 {
				return false
			}
			continue
		}
		u := qq / pp
		if pp < 0 {
			u0 = math.Max(u0, u)
		} else {
			u1 = math.Min(u1, u)
		}
		if u0 > u1 {
			return false
		}
	}
	return true
}

// clear reports whether the straight line p–q crosses no block.
func (r *router) clear(p, q orb.Point) bool {
	for i := range r.blocks {
		if r.blocks[i].crosses(p, q) {
			return false
		}
	}
	return true
}

// sights returns the nodes p sees, cached: trucks stop at a limited set of points.
func (r *router) sights(p orb.Point) []sight {
	if s, ok := r.seen[p]; ok {
		return s
	}
	var s []sight
	for i, n := range r.nodes {
		if r.clear(p, n) {
			s = append(s, sight{i, dist(p, n)})
		}
	}
	r.seen[p] = s
	return s
}

// route returns the way from p to q as the points after p, q last, and its length in metres. When
// no way around the blocks exists (p or q shut in) it is the straight line.
func (r *router) route(p, q orb.Point) ([]orb.Point, float64) {
	if r.clear(p, q) {
		return []orb.Point{q}, dist(p, q)
	}
	from, to := r.sights(p), r.sights(q)
	best, bi, bj := math.Inf(1), -1, -1
	for _, a := range from {
		for _, b := range to {
			if d := a.d + r.dist[a.node][b.node] + b.d; d < best {
				best, bi, bj = d, a.node, b.node
			}
		}
	}
	if bi < 0 {
		return []orb.Point{q}, dist(p, q)
	}
	way := []orb.Point{r.nodes[bi]}
	for i := bi; i != bj; {
		i = r.next[i][bj]
		way = append(way, r.nodes[i])
	}
	return append(way, q), best
}
