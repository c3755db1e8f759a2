package matchindex

import "slices"

// span is a list in an arena: n entries from off, with room for cap.
type span struct{ off, n, cap uint32 }

// arena keeps the variable-length lists of every firm of one kind (their
// holdings, their supply ties) in one slice without Go pointers, so that
// the garbage collector never looks inside. A list that outgrows its room
// moves to the end (its old room becomes dead); compact drops the dead
// space once it is more than half.
type arena[T any] struct {
	data []T
	dead int
	// compactions counts the compact calls (for the tests).
	compactions int
}

// An arena is compacted once its dead space is more than minDead entries
// and more than 1/deadShare of it (the tests compact far more often).
var minDead, deadShare = 4096, 2

// of is the list s (a view into the arena: valid until the next write).
func (a *arena[T]) of(s span) []T { return a.data[s.off : s.off+s.n : s.off+s.cap] }

// set makes *s hold v: in place when it fits, else at the end.
func (a *arena[T]) set(s *span, v []T) {
	if uint32(len(v)) > s.cap {
		a.dead += int(s.cap)
		s.off, s.cap = uint32(len(a.data)), uint32(len(v))
		a.data = append(a.data, v...)
	} else {
		copy(a.data[s.off:], v)
	}
	s.n = uint32(len(v))
}

// room makes *s able to take one more entry, moving it to the end with
// twice the room when it is full.
func (a *arena[T]) room(s *span) {
	if s.n < s.cap {
		return
	}
	c := max(4, 2*s.cap)
	a.dead += int(s.cap)
	off := uint32(len(a.data))
	a.data = slices.Grow(a.data, int(c))
	a.data = append(a.data, a.data[s.off:s.off+s.n]...)
	var zero T
	for range c - s.n {
		a.data = append(a.data, zero)
	}
	s.off, s.cap = off, c
}

// bloated reports whether the arena should be compacted.
func (a *arena[T]) bloated() bool { return a.dead > minDead && a.dead > len(a.data)/deadShare }

// compact copies every list (spans yields them all) into a new slice
// without dead space; each keeps a quarter more room than it holds.
func (a *arena[T]) compact(spans func(yield func(*span))) {
	live := len(a.data) - a.dead
	data := make([]T, 0, live+live/4)
	spans(func(s *span) {
		v := a.of(*s)
		off := uint32(len(data))
		data = append(data, v...)
		c := s.n + s.n/4
		for range c - s.n {
			var zero T
			data = append(data, zero)
		}
		s.off, s.cap = off, c
	})
	a.data, a.dead = data, 0
	a.compactions++
}

// insertSorted adds id to the sorted list *s of a unless it is there.
func insertSorted(a *arena[int32], s *span, id int32) {
	i, found := slices.BinarySearch(a.of(*s), id)
	if found {
		return
	}
	a.room(s)
	v := a.data[s.off : s.off+s.n+1]
	copy(v[i+1:], v[i:s.n])
	v[i] = id
	s.n++
}

// deleteSorted removes id from the sorted list *s of a.
func deleteSorted(a *arena[int32], s *span, id int32) {
	v := a.of(*s)
	if i, found := slices.BinarySearch(v, id); found {
		copy(v[i:], v[i+1:])
		s.n--
	}
}
