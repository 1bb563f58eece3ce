package simulator

import (
	"fmt"
	"math/rand/v2"

	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// sizeMix is the share of each size-type among new boxes: about 45 % 20-ft dry, 45 % 40-ft dry
// (standard and high cube), the rest reefers.
var sizeMix = []struct {
	size  iso6346.SizeType
	share float64
}{
	{"22G1", 0.45},
	{"45G1", 0.28},
	{"42G1", 0.18},
	{"45R1", 0.07},
	{"22R1", 0.02},
}

// categoryMix is the share of each category among the boxes of one flow.
type categoryMix []struct {
	cat   yard.Category
	share float64
}

// The flows' mixes. Tanger Med is mostly transhipment: most boxes discharged are loaded again onto
// another vessel; imports leave, and exports arrive, by road.
var (
	dischargeMix = categoryMix{{yard.Transhipment, 0.74}, {yard.Import, 0.16}, {yard.Empty, 0.10}}
	gateInMix    = categoryMix{{yard.Export, 0.85}, {yard.Empty, 0.15}}
	initialMix   = categoryMix{{yard.Transhipment, 0.60}, {yard.Import, 0.14}, {yard.Export, 0.16}, {yard.Empty, 0.10}}
)

// ownerCodes are owner prefixes (with the equipment category U) of the lines calling at the port.
var ownerCodes = []string{
	"MSCU", "MEDU", "MSDU", "MAEU", "MSKU", "MRKU", "CMAU", "CGMU", "APHU", "HLXU", "HLBU", "COSU",
	"CSNU", "OOLU", "ONEU", "EGHU", "EMCU", "YMLU", "ZIMU", "TGHU", "TCNU", "SEGU", "TRLU", "CAIU",
	"FCIU", "GESU", "BMOU", "DFSU", "TEMU", "ECMU",
}

// boxFactory makes new boxes: a container number (with its check digit, or a wrong one at the
// misreport rate), a size-type, a category and a gross mass.
type boxFactory struct {
	rng       *rand.Rand
	misreport float64
	inUse     map[iso6346.ContainerID]bool // numbers the terminal knows now
	retired   []iso6346.ContainerID        // numbers that left, oldest first, kept a while
	retiredAt int
	// counts
	made, misreported int
}

// retiredMemory is how many numbers that left the terminal are kept from reuse.
const retiredMemory = 200_000

func newBoxFactory(rng *rand.Rand, misreport float64) *boxFactory {
	return &boxFactory{rng: rng, misreport: misreport, inUse: map[iso6346.ContainerID]bool{}}
}

// reserve marks a number as taken (a box of a given yard).
func (f *boxFactory) reserve(id iso6346.ContainerID) { f.inUse[id] = true }

// retire lets a number go once its box has left; it is not reused for a long while.
func (f *boxFactory) retire(id iso6346.ContainerID) {
	if len(f.retired) < retiredMemory {
		f.retired = append(f.retired, id)
	} else {
		delete(f.inUse, f.retired[f.retiredAt])
		f.retired[f.retiredAt] = id
		f.retiredAt = (f.retiredAt + 1) % retiredMemory
	}
}

// number draws a container number no box in the terminal (or recently gone) has.
func (f *boxFactory) number() iso6346.ContainerID {
	for {
		first10 := fmt.Sprintf("%s%06d", ownerCodes[f.rng.IntN(len(ownerCodes))], f.rng.IntN(1_000_000))
		d, err := iso6346.CheckDigit(first10)
		if err != nil {
			panic("simulator: owner codes are letters and serials digits, so a check digit exists: " + err.Error())
		}
		bad := chance(f.rng, f.misreport)
		if bad {
			d = (d + 1 + f.rng.IntN(9)) % 10 // any digit but the right one
		}
		id := iso6346.ContainerID(fmt.Sprintf("%s%d", first10, d))
		if f.inUse[id] {
			continue
		}
		f.inUse[id] = true
		f.made++
		if bad {
			f.misreported++
		}
		return id
	}
}

// make returns a new box of the flow's category mix.
func (f *boxFactory) make(mix categoryMix) *box {
	weights := make([]float64, len(mix))
	for i, m := range mix {
		weights[i] = m.share
	}
	cat := mix[pick(f.rng, weights)].cat
	return f.makeOf(cat)
}

// makeOf returns a new box of category cat with a size-type from the mix (never a reefer when empty)
// and a plausible gross mass: tare alone for an empty, up to 30 t laden.
func (f *boxFactory) makeOf(cat yard.Category) *box {
	var size iso6346.SizeType
	for {
		weights := make([]float64, len(sizeMix))
		for i, m := range sizeMix {
			weights[i] = m.share
		}
		size = sizeMix[pick(f.rng, weights)].size
		if !(cat == yard.Empty && size.Reefer()) {
			break
		}
	}
	b := &box{id: f.number(), size: size, forty: size.TEU() == 2, cat: cat, reefer: size.Reefer(), stock: -1}
	switch {
	case cat == yard.Empty && b.forty:
		b.weight = uniform(f.rng, 3_600, 4_100)
	case cat == yard.Empty:
		b.weight = uniform(f.rng, 2_100, 2_400)
	case b.reefer:
		b.weight = uniform(f.rng, 9_000, 30_000)
	case b.forty:
		b.weight = uniform(f.rng, 5_000, 30_000)
	default:
		b.weight = uniform(f.rng, 4_000, 28_000)
	}
	b.weight = roundTo(b.weight, 10)
	return b
}
