package lead

import (
	"testing"
	"time"

	"chainmatch/internal/apperr"
)

func TestCheckMove(t *testing.T) {
	ok := map[[2]Stage]bool{}
	open := []Stage{Identified, Contacted, Visited, Negotiating, Signed}
	for i, from := range open {
		for _, to := range open[i+1:] {
			ok[[2]Stage{from, to}] = true // forward one or more stages
		}
		ok[[2]Stage{from, Lost}] = true // any open stage to LOST
	}
	ok[[2]Stage{Lost, Identified}] = true // reopen
	for _, from := range Stages {
		for _, to := range Stages {
			err := CheckMove(from, to)
			if want := ok[[2]Stage{from, to}]; want != (err == nil) {
				t.Errorf("%s -> %s: %v, want allowed=%v", from, to, err, want)
			}
			if err != nil {
				ae, isApp := apperr.As(err)
				if !isApp || ae.Code != apperr.BadUserInput || ae.Field != "stage" {
					t.Errorf("%s -> %s: %#v, want BAD_USER_INPUT on stage", from, to, err)
				}
			}
		}
	}
	if err := CheckMove(Identified, Stage("DONE")); err == nil {
		t.Error("unknown stage accepted")
	}
}

func TestSummarize(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	day := func(d float64) time.Time { return t0.Add(time.Duration(d * 24 * float64(time.Hour))) }
	st := func(s Stage) *Stage { return &s }
	pv, fibre := "PV", "FIBRE"
	leads := []PipelineLead{
		{Stage: Settled, ChainCode: &pv, History: []StageChange{
			{To: Identified, At: day(0)}, {From: st(Identified), To: Contacted, At: day(2)},
			{From: st(Contacted), To: Visited, At: day(6)}, {From: st(Visited), To: Signed, At: day(10)},
			{From: st(Signed), To: Settled, At: day(11)}}},
		{Stage: Lost, ChainCode: &pv, History: []StageChange{
			{To: Identified, At: day(0)}, {From: st(Identified), To: Contacted, At: day(4)},
			{From: st(Contacted), To: Lost, At: day(5)}}},
		{Stage: Identified, ChainCode: &fibre, History: []StageChange{{To: Identified, At: day(0)}}},
		{Stage: Identified, History: []StageChange{
			{To: Identified, At: day(0)}, {From: st(Identified), To: Lost, At: day(1)},
			{From: st(Lost), To: Identified, At: day(3)}}},
	}
	p := Summarize(leads)
	wantCounts := []int{2, 0, 0, 0, 0, 1, 1}
	for i, c := range p.ByStage {
		if c.Stage != Stages[i] || c.Count != wantCounts[i] {
			t.Errorf("byStage[%d] = %+v, want %s %d", i, c, Stages[i], wantCounts[i])
		}
	}
	if len(p.ByChain) != 2 || p.ByChain[0].ChainCode != "FIBRE" || p.ByChain[0].ByStage[0].Count != 1 ||
		p.ByChain[1].ChainCode != "PV" || p.ByChain[1].ByStage[5].Count != 1 || p.ByChain[1].ByStage[6].Count != 1 {
		t.Errorf("byChain %+v", p.ByChain)
	}
	// IDENTIFIED stays 2, 4, 1 (the reopened one is still running); CONTACTED 4, 1;
	// VISITED 4; NEGOTIATING none (skipped); SIGNED 1; SETTLED none; LOST 2.
	want := []*float64{ptr(2.0), ptr(2.5), ptr(4.0), nil, ptr(1.0), nil, ptr(2.0)}
	for i, d := range p.MedianDaysInStage {
		if (d.Days == nil) != (want[i] == nil) || (d.Days != nil && *d.Days != *want[i]) {
			t.Errorf("median %s = %v, want %v", d.Stage, d.Days, want[i])
		}
	}
	if p.ConversionRate != 1.0/3 {
		t.Errorf("conversion %v, want 1/3", p.ConversionRate)
	}
	if e := Summarize(nil); e.ConversionRate != 0 || len(e.ByStage) != len(Stages) || len(e.ByChain) != 0 {
		t.Errorf("empty %+v", e)
	}
}

func ptr[T any](v T) *T { return &v }
