package alert

// SetHubLimits sets a hub's per-subscriber buffer and its statement batch
// (before its first subscriber), so that tests reach both with a few
// alerts.
func SetHubLimits(h *Hub, buffer, batch int) { h.buffer, h.batch = buffer, batch }
