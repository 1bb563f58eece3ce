package simulator

import "time"

// SetObserver lets tests hear of every piece of work a resource (a gate lane, a crane) finished.
func SetObserver(f *Feed, fn func(resource string, start, end time.Time)) { f.observer = fn }
