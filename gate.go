package beseda

// Gate is the automation gate (G1): it decides what happens to an outgoing
// message of the source while the client has, or has not, an active dialog.
// Funnels and broadcasts wait (held) and are released when the dialog ends
// (G2); AI-support replies are dropped for good; managers and the system are
// never held back (managers are bound by W1 and W2 instead).
func Gate(source Source, dialogActive bool) (status MessageStatus, reason string) {
	if dialogActive {
		switch source {
		case SourceFunnel, SourceBroadcast:
			return MessageHeld, ""
		case SourceAISupport:
			return MessageDropped, DropActiveDialog
		}
	}
	return MessagePending, ""
}

// DropActiveDialog is the reason recorded on a message the gate dropped.
const DropActiveDialog = "active_dialog"

// GateTable is Gate's decision for one source, with and without an active
// dialog: what a producer that decides for many clients in one statement (a
// broadcast batch) applies to each by its active dialog, so that the rule is
// still decided here, once.
type GateTable struct {
	Active, Free             MessageStatus
	ActiveReason, FreeReason string
}

// GateFor is Gate's table for the source.
func GateFor(source Source) GateTable {
	var g GateTable
	g.Active, g.ActiveReason = Gate(source, true)
	g.Free, g.FreeReason = Gate(source, false)
	return g
}
