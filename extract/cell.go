package extract

// How a value was placed in its template cell (Cell.Align).
const (
	// AlignHeader: the column was found by matching the printed column header.
	AlignHeader = "header"
	// AlignArithmetic: several placements of the row's values were possible
	// and the table's own arithmetic (R1–R4) chose this one.
	AlignArithmetic = "arithmetic"
	// AlignFixedOrder: values were read in the template's fixed order (the
	// 15-value row of section 四, or a section 三 row with exactly its 7 values).
	AlignFixedOrder = "fixed_order"
	// AlignSingle: only one placement was possible (e.g. one value under a
	// one-column header).
	AlignSingle = "single"
	// AlignNone: the table was found but the cell has no source (no data row).
	AlignNone = "none"
)

// What is uncertain about a cell (Cell.Flags).
const (
	// FlagExtraCells: the source row had more values than the template has
	// columns; the extra ones were dropped (their text is in the warnings).
	FlagExtraCells = "extra_cells"
	// FlagAmbiguousAlignment: placements disagreeing on this cell scored the
	// same; the one at the table's dominant column was taken.
	FlagAmbiguousAlignment = "ambiguous_alignment"
	// FlagMarker: the cell holds a no-value marker (-, /, —, 无, 空, N/A).
	FlagMarker = "marker"
	// FlagNoteInCell: text around the number was ignored (22（其中修订16件）).
	FlagNoteInCell = "note_in_cell"
	// FlagUnitInCell: a unit was printed in the cell (251000元); Unit says which.
	FlagUnitInCell = "unit_in_cell"
	// FlagLowConfidenceLabel: the row label matched the template only fuzzily,
	// or the row had no label and was placed by its position.
	FlagLowConfidenceLabel = "low_confidence_label"
	// FlagTextInCell: a value position holds text that is not a number or
	// a marker; Value is nil and Raw keeps the text.
	FlagTextInCell = "text_in_cell"
	// FlagMissingCells: the source row had fewer values than the template
	// has columns; the missing ones are blank.
	FlagMissingCells = "missing_cells"
	// FlagDuplicateRow: the template row appeared more than once; the first
	// occurrence with values was kept.
	FlagDuplicateRow = "duplicate_row"
	// FlagRowNotFound: the table was found but this template row was not;
	// its cells are blank because nothing was read, not because the report
	// left them blank.
	FlagRowNotFound = "row_not_found"
)
