package simulator

import (
	"fmt"
	"math/rand/v2"

	"github.com/yardtwin/yardtwin/domain/iso6346"
	"github.com/yardtwin/yardtwin/domain/yard"
)

// categoryMix is the share of each category among the boxes of one flow.
type categoryMix []struct {
	cat   yard.Category
	share float64
}

// mixes derives the flows' category mixes from the scenario's box mix: discharged boxes are
// transhipments, empties and imports; gated-in boxes exports and empties; the initial yard holds
// all four (fewer transhipments than discharged, since they leave sooner).
func mixes(m BoxMix) (discharge, gateIn, initial categoryMix) {
	laden := 1 - m.Transhipment - m.Empty
	discharge = categoryMix{{yard.Transhipment, m.Transhipment}, {yard.Import, laden}, {yard.Empty, m.Empty}}
	gateIn = categoryMix{{yard.Export, 1 - m.Empty}, {yard.Empty, m.Empty}}
	t := 0.8 * m.Transhipment
	rest := 1 - t - m.Empty
	initial = categoryMix{{yard.Transhipment, t}, {yard.Import, 0.45 * rest}, {yard.Export, 0.55 * rest}, {yard.Empty, m.Empty}}
	return discharge, gateIn, initial
}

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
	mix       BoxMix
	// the flows' category mixes
	discharge, gateIn, initial categoryMix
	inUse                      map[iso6346.ContainerID]bool // numbers the terminal knows now
	retired                    []iso6346.ContainerID        // numbers that left, oldest first, kept a while
	retiredAt                  int
	// counts
	made, misreported int
}

// retiredMemory is how many numbers that left the terminal are kept from reuse.
const retiredMemory = 200_000

func newBoxFactory(rng *rand.Rand, misreport float64, mix BoxMix) *boxFactory {
	f := &boxFactory{rng: rng, misreport: misreport, mix: mix, inUse: map[iso6346.ContainerID]bool{}}
	f.discharge, f.gateIn, f.initial = mixes(mix)
	return f
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

// makeOf returns a new box of category cat with a size-type from the mix (never a reefer when empty:
// 20-ft 22G1 or 22R1, 40-ft 45G1 or 42G1 when dry, 45R1 when reefer) and a plausible gross mass:
// tare alone for an empty, up to 30 t laden.
func (f *boxFactory) makeOf(cat yard.Category) *box {
	forty := chance(f.rng, f.mix.Forty)
	reefer := cat != yard.Empty && chance(f.rng, f.mix.Reefer)
	var size iso6346.SizeType
	switch {
	case !forty && reefer:
		size = "22R1"
	case !forty:
		size = "22G1"
	case reefer:
		size = "45R1"
	case chance(f.rng, 0.6):
		size = "45G1"
	default:
		size = "42G1"
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
