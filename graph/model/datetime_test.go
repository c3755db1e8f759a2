package model

import (
	"bytes"
	"testing"
	"time"
)

func TestDateTimeRoundTripsInUTC(t *testing.T) {
	in := time.Date(2026, 12, 1, 16, 30, 0, 0, time.FixedZone("CST", 8*3600))
	var b bytes.Buffer
	MarshalDateTime(in).MarshalGQL(&b)
	if b.String() != `"2026-12-01T08:30:00Z"` {
		t.Fatalf("marshal: %s", b.String())
	}
	got, err := UnmarshalDateTime("2026-12-01T16:30:00+08:00")
	if err != nil || !got.Equal(in) || got.Location() != time.UTC {
		t.Fatalf("unmarshal: %v %v", got, err)
	}
	for _, bad := range []any{"2026-12-01", "yesterday", 1764577800, nil} {
		if _, err := UnmarshalDateTime(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
