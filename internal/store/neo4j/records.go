package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"chainmatch/internal/geo"
)

// row reads typed columns of one record with GetRecordValue, keeping the
// first error so that mapping code reads as a list of fields.
type row struct {
	rec *neo4j.Record
	err error
}

func value[T neo4j.RecordValue](r *row, key string) (T, bool) {
	if r.rec == nil {
		if r.err == nil {
			r.err = fmt.Errorf("column %s: no record", key)
		}
		return *new(T), false
	}
	v, isNil, err := neo4j.GetRecordValue[T](r.rec, key)
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("column %s: %w", key, err)
	}
	return v, !isNil && err == nil
}

func (r *row) str(key string) string { v, _ := value[string](r, key); return v }

func (r *row) optStr(key string) *string {
	if v, ok := value[string](r, key); ok {
		return &v
	}
	return nil
}

func (r *row) boolean(key string) bool { v, _ := value[bool](r, key); return v }

func (r *row) integer(key string) int { v, _ := value[int64](r, key); return int(v) }

func (r *row) optInt(key string) *int {
	if v, ok := value[int64](r, key); ok {
		i := int(v)
		return &i
	}
	return nil
}

func (r *row) optFloat(key string) *float64 {
	// Numbers written by other tools may be stored as integers.
	if v, isNil, err := neo4j.GetRecordValue[float64](r.rec, key); err == nil {
		if isNil {
			return nil
		}
		return &v
	}
	v, ok := value[int64](r, key)
	if !ok {
		return nil
	}
	f := float64(v)
	return &f
}

func (r *row) point(key string) *geo.Point {
	if v, ok := value[neo4j.Point2D](r, key); ok {
		return &geo.Point{Latitude: v.Y, Longitude: v.X}
	}
	return nil
}

// wgs84 is the Neo4j point for p (SRID 4326: X longitude, Y latitude).
func wgs84(p geo.Point) neo4j.Point2D {
	return neo4j.Point2D{X: p.Longitude, Y: p.Latitude, SpatialRefId: 4326}
}

// byKey runs a batch read whose rows carry the key in column "key" and
// returns one entry per key, in key order, nil where no row came back.
func byKey[T any](ctx context.Context, s *Store, query string, keys []string, mapRow func(*row) T) ([]*T, error) {
	out := make([]*T, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	found, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]*T, error) {
		recs, err := run(ctx, tx, query, map[string]any{"keys": keys})
		if err != nil {
			return nil, err
		}
		m := make(map[string]*T, len(recs))
		for _, rec := range recs {
			r := &row{rec: rec}
			k := r.str("key")
			v := mapRow(r)
			if r.err != nil {
				return nil, r.err
			}
			m[k] = &v
		}
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	for i, k := range keys {
		out[i] = found[k]
	}
	return out, nil
}

// groupByKey runs a batch read whose rows carry the key in column "key",
// already sorted within each key, and returns one (possibly empty) list per
// key, in key order.
func groupByKey[T any](ctx context.Context, s *Store, query string, keys []string, mapRow func(*row) T) ([][]T, error) {
	out := make([][]T, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	groups, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string][]T, error) {
		recs, err := run(ctx, tx, query, map[string]any{"keys": keys})
		if err != nil {
			return nil, err
		}
		m := map[string][]T{}
		for _, rec := range recs {
			r := &row{rec: rec}
			k := r.str("key")
			v := mapRow(r)
			if r.err != nil {
				return nil, r.err
			}
			m[k] = append(m[k], v)
		}
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	for i, k := range keys {
		out[i] = groups[k]
		if out[i] == nil {
			out[i] = []T{}
		}
	}
	return out, nil
}

// list runs a read that returns a whole, small list.
func list[T any](ctx context.Context, s *Store, query string, params map[string]any, mapRow func(*row) T) ([]T, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]T, error) {
		recs, err := run(ctx, tx, query, params)
		if err != nil {
			return nil, err
		}
		out := make([]T, 0, len(recs))
		for _, rec := range recs {
			r := &row{rec: rec}
			v := mapRow(r)
			if r.err != nil {
				return nil, r.err
			}
			out = append(out, v)
		}
		return out, nil
	})
}

// asMap turns a projection ("expr AS name, ...", one of the *Columns
// constants) into a map literal ("{name: expr, ...}"), so that one
// statement can return several kinds of object in one column each, mapped
// by the same map* function through mapRow.
func asMap(columns string) string {
	var parts []string
	depth, start := 0, 0
	for i, ch := range columns {
		switch ch {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, columns[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, columns[start:])
	for i, p := range parts {
		expr, name, _ := strings.Cut(strings.TrimSpace(p), " AS ")
		parts[i] = name + ": " + expr
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// mapColumn reads a map column written with asMap through mapRow; false
// when the column is null.
func mapColumn[T any](r *row, key string, mapRow func(*row) T) (T, bool) {
	m, ok := value[map[string]any](r, key)
	if !ok {
		return *new(T), false
	}
	v, err := fromMap(m, mapRow)
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("column %s: %w", key, err)
	}
	return v, true
}

// fromMap reads a map written with asMap through mapRow.
func fromMap[T any](m map[string]any, mapRow func(*row) T) (T, error) {
	rec := &neo4j.Record{Keys: make([]string, 0, len(m)), Values: make([]any, 0, len(m))}
	for k, v := range m {
		rec.Keys = append(rec.Keys, k)
		rec.Values = append(rec.Values, v)
	}
	r := &row{rec: rec}
	v := mapRow(r)
	return v, r.err
}

// deref is *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
