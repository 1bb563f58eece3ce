package kpi

// Keys of the KPIs. They are stable: API clients and the simulator's reports rely on them, so a
// changed definition gets a new key rather than a changed meaning under the old one.
const (
	KeyCraneGrossMovesPerHour = "qc_gross_moves_per_hour"
	KeyBerthProductivity      = "berth_productivity"
	KeyBerthTime              = "berth_time"
	KeyPortStay               = "port_stay"
	KeyTruckTurnTime          = "truck_turn_time"
	KeyProductiveMoves        = "productive_moves"
	KeyRehandles              = "rehandles"
	KeyRehandleRatio          = "rehandle_ratio"
	KeyYardUtilisation        = "yard_utilisation"
	KeyDwellTime              = "dwell_time"
)

// Units of the KPI values.
const (
	UnitMovesPerHour = "moves/h"
	UnitHours        = "h"
	UnitMinutes      = "min"
	UnitDays         = "d"
	UnitMoves        = "moves"
	UnitRatio        = "ratio"
)

// definition is what a KPI means, as reported with its value.
type definition struct {
	key, name, unit, of, text string
}

// definitions are the KPIs in the order of the report. Each text is the contract with the planner:
// what is counted, from which events, over which time, and what is left out.
var definitions = []definition{
	{
		key: KeyCraneGrossMovesPerHour, name: "Quay crane gross productivity", unit: UnitMovesPerHour, of: "crane visits",
		text: "Moves (quay.ContainerDischarged + quay.ContainerLoaded, one per box) that a quay crane made on a vessel " +
			"visit, divided by the crane's gross working time on that visit: from its first to its last move on the " +
			"visit, as reported. Nothing is deducted from the gross time: breaks, waits for trucks, breakdowns, " +
			"hatch-cover moves and the switch from discharging to loading all count. This is gross crane " +
			"productivity as in TIC 4.0 (boxes per hour of the crane's operating time); TIC 4.0's net productivity " +
			"divides by the time the crane was available only, which needs delay reports the contract does not carry. " +
			"Only moves in the window count, and the gross time runs from the first to the last of them. The value is " +
			"total moves / total gross hours over the crane visits (per crane and visit in crane_visits, per crane in " +
			"cranes); a crane visit with a single move has no gross time and is listed but left out of the value. " +
			"Moves reported without a crane count for the visit, not for any crane.",
	},
	{
		key: KeyBerthProductivity, name: "Berth productivity", unit: UnitMovesPerHour, of: "vessel visits",
		text: "Moves of a vessel visit (discharges + loads by all its cranes) divided by its berth time " +
			"(quay.VesselBerthed to quay.VesselDeparted, nothing deducted). A per-visit figure, counted for the visits " +
			"that departed in the window, with all their moves; the value is total moves / total berth hours. The " +
			"visits table also gives each visit's moves per hour of cargo operations (first to last move of any " +
			"crane, TIC 4.0's carrier productivity without deductions).",
	},
	{
		key: KeyBerthTime, name: "Berth time", unit: UnitHours, of: "vessel visits",
		text: "Time a vessel visit spent alongside: from quay.VesselBerthed (all fast) to quay.VesselDeparted (last " +
			"line released), nothing deducted; TIC 4.0's gross berth hours. For the visits that departed in the window; " +
			"the value is the mean. A departure with no berthing, or timed before it, is counted in unmatched.",
	},
	{
		key: KeyPortStay, name: "Port stay", unit: UnitHours, of: "vessel visits",
		text: "Time from quay.VesselArrived (port limits) to quay.VesselDeparted: waiting for a berth, pilotage and " +
			"berth time together. For the visits that departed in the window and whose arrival was reported; the " +
			"value is the mean.",
	},
	{
		key: KeyTruckTurnTime, name: "Truck turn time", unit: UnitMinutes, of: "truck visits",
		text: "Time a road truck spent in the terminal on one visit: from gate.TruckArrived to the next gate.TruckLeft " +
			"of the same truck (TIC 4.0's carrier visit turnaround time for trucks, gate-in to gate-out). Counted in " +
			"the hour the truck left; the value is the mean, truck_hours gives arrivals and turn times per hour. A " +
			"TruckLeft with no open arrival is skipped and counted as unmatched, as is an arrival followed by another " +
			"arrival of the same truck, or left open for 7 days.",
	},
	{
		key: KeyProductiveMoves, name: "Productive moves", unit: UnitMoves, of: "moves",
		text: "Boxes that crossed the ship's rail or the gate in the window: discharges + loads (quay) + gate-ins + " +
			"gate-outs (gate.ContainerGatedIn/Out). The denominator of the rehandle ratio; parts gives each kind.",
	},
	{
		key: KeyRehandles, name: "Rehandles", unit: UnitMoves, of: "rehandles",
		text: "Yard moves that serve no job: a yard.ContainerLifted of a box followed by a yard.ContainerStacked of " +
			"the same box with no discharge, load, gate-in or gate-out of that box in between. Relocations within a " +
			"block (digging out a box buried under others, parts.within_block) and shifts to another block " +
			"(housekeeping, parts.between_blocks) both count. Counted at the time of the stack.",
	},
	{
		key: KeyRehandleRatio, name: "Rehandle ratio", unit: UnitRatio, of: "productive moves",
		text: "Rehandles divided by productive moves (discharges + loads + gate-ins + gate-outs) in the window: 0.25 " +
			"is one rehandle for every four boxes that crossed the quay or the gate.",
	},
	{
		key: KeyYardUtilisation, name: "Yard utilisation", unit: UnitRatio, of: "hourly samples",
		text: "TEU in the yard divided by the yard's nominal capacity (every block's bays × rows × tiers, in TEU), " +
			"sampled at the end of every hour of event time with yard activity (series in utilisation). A box counts " +
			"2 TEU when announced (yard.ContainerAnnounced) longer than 24 ft, else 1, also when its size is not " +
			"known. The level counts every yard.ContainerStacked and yard.ContainerLifted (and a box leaving from " +
			"its slot without a lift) timed before the end of the hour, so it starts from the boxes the log has " +
			"seen stacked. The value is the mean of the samples in the window.",
	},
	{
		key: KeyDwellTime, name: "Dwell time", unit: UnitDays, of: "boxes",
		text: "Time a box stayed in the terminal: from the first time it entered (quay.ContainerDischarged or " +
			"gate.ContainerGatedIn) to when it left (quay.ContainerLoaded or gate.ContainerGatedOut), the physical " +
			"counterpart of TIC 4.0's dwell (check-in to check-out). Counted in the hour the box left; the value is " +
			"the mean over every category. dwell gives each category as announced (import, export, transhipment, " +
			"empty; unknown when never announced) with a histogram; boxes whose entry the twin did not see (already " +
			"in the yard when the log starts) are counted as entry_unknown and not measured. Boxes still in the " +
			"terminal are reported apart (in_terminal) with their dwell so far, for windows that reach the newest event.",
	},
}
