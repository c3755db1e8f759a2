package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat.
// It is 100 on every Linux architecture Go supports.
const clockTicks = 100

// procSample is one reading of a process's CPU time and memory.
type procSample struct {
	CPU   time.Duration // user + system, the process and its threads
	RSS   int64         // resident set size, bytes
	HWM   int64         // peak resident set size since start, bytes
	Alive bool
}

// readProc reads /proc/<pid>/stat and /proc/<pid>/status.
func readProc(pid int) (procSample, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procSample{}, err
	}
	// The command name (field 2) may contain spaces; fields after the
	// closing parenthesis are space-separated. utime and stime are fields
	// 14 and 15 of the whole line, so 12 and 13 after the state (field 3).
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return procSample{}, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return procSample{}, fmt.Errorf("short /proc/%d/stat", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return procSample{}, fmt.Errorf("malformed cpu times in /proc/%d/stat", pid)
	}
	out := procSample{CPU: time.Duration(ut+st) * time.Second / clockTicks, Alive: true}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procSample{}, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		switch {
		case strings.HasPrefix(line, "VmRSS:"):
			out.RSS = kbField(line)
		case strings.HasPrefix(line, "VmHWM:"):
			out.HWM = kbField(line)
		}
	}
	return out, nil
}

// kbField parses "VmRSS:    12345 kB" into bytes.
func kbField(line string) int64 {
	f := strings.Fields(line)
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.ParseInt(f[1], 10, 64)
	return n * 1024
}

// rssWatch samples a process's RSS in the background and keeps the peak.
type rssWatch struct {
	pid  int
	mu   sync.Mutex
	peak int64
	stop chan struct{}
	done chan struct{}
}

func watchRSS(pid int, every time.Duration) *rssWatch {
	w := &rssWatch{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if s, err := readProc(pid); err == nil {
				w.mu.Lock()
				w.peak = max(w.peak, s.RSS)
				w.mu.Unlock()
			}
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// Peak returns the largest RSS seen so far and resets it.
func (w *rssWatch) Peak() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.peak
	w.peak = 0
	return p
}

func (w *rssWatch) Close() {
	close(w.stop)
	<-w.done
}
