package beseda

import "time"

// Facebook Messenger's messaging window, counted from the client's last
// message: standard messages within 24 hours; after that, only a human agent
// may write, with the HUMAN_AGENT tag, up to 7 days.
const (
	MessengerWindow      = 24 * time.Hour
	MessengerHumanWindow = 7 * 24 * time.Hour
)

// OutsideWindow is the reason on a message Messenger's window did not allow.
const OutsideWindow = "outside_messaging_window"

// MessengerSendMode is how a message may go to a Messenger client now.
type MessengerSendMode int

const (
	MessengerStandard   MessengerSendMode = iota // within 24 hours: no tag
	MessengerHumanAgent                          // a manager after 24 hours: tag HUMAN_AGENT
	MessengerClosed                              // not allowed: fail with OutsideWindow
)

// MessengerMode decides how a message of the source may be sent, given when
// the client last wrote. Only managers are human agents: automation and the
// rating form are never sent with a tag.
func MessengerMode(source Source, lastInbound *time.Time, now time.Time) MessengerSendMode {
	if lastInbound == nil {
		return MessengerClosed
	}
	age := now.Sub(*lastInbound)
	switch {
	case age <= MessengerWindow:
		return MessengerStandard
	case age <= MessengerHumanWindow && source == SourceManager:
		return MessengerHumanAgent
	}
	return MessengerClosed
}
