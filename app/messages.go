package app

import (
	"context"
	"fmt"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// ChatMessages returns a page of a subscriber's general chat: the whole
// history, each message marked with its dialog, if any (W5).
func (a *Messages) ChatMessages(ctx context.Context, actor *beseda.User, subscriberID int64, page beseda.MessageFilter) ([]*beseda.Message, error) {
	if _, err := a.db.FindSubscriberByID(ctx, actor.WorkspaceID, subscriberID); err != nil {
		return nil, err
	}
	page.WorkspaceID, page.SubscriberID, page.DialogID = actor.WorkspaceID, subscriberID, nil
	msgs, err := a.db.FindMessages(ctx, page)
	if err != nil {
		return nil, err
	}
	return a.app.Ratings.withAnswers(ctx, actor.WorkspaceID, msgs)
}

// DialogMessages returns a page of the messages sent or received within a
// dialog, and only those (W5).
func (a *Messages) DialogMessages(ctx context.Context, actor *beseda.User, dialogID int64, page beseda.MessageFilter) ([]*beseda.Message, error) {
	d, err := a.db.FindDialogByID(ctx, actor.WorkspaceID, dialogID)
	if err != nil {
		return nil, err
	}
	page.WorkspaceID, page.SubscriberID, page.DialogID = actor.WorkspaceID, d.SubscriberID, &d.ID
	msgs, err := a.db.FindMessages(ctx, page)
	if err != nil {
		return nil, err
	}
	return a.app.Ratings.withAnswers(ctx, actor.WorkspaceID, msgs)
}

// PostChatMessage sends a manager's message in the general chat, outside any
// dialog: a text, files the manager uploaded, or both. While the client has
// an active dialog the general chat is locked (W2); a paused or completed
// dialog does not lock it (W3). Internal notes belong in dialogs.
func (a *Messages) PostChatMessage(ctx context.Context, actor *beseda.User, subscriberID int64, in beseda.MessageInput) (*beseda.Message, error) {
	if in.Internal {
		return nil, beseda.Errorf(beseda.EINVALID, "internal notes are written in a dialog: POST /api/v1/dialogs/{id}/messages")
	}
	var m *beseda.Message
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		sub, err := lockGeneralChat(ctx, tx, actor.WorkspaceID, subscriberID)
		if err != nil {
			return err
		}
		if m, err = a.managerMessage(ctx, tx, sub, nil, actor, in); err != nil {
			return err
		}
		if err := a.out.Produce(ctx, tx, sub, m); err != nil {
			return err
		}
		attachClaimed(ctx, tx, m)
		return nil
	})
	return m, err
}

// lockGeneralChat locks the client's row and decides W2 on it: nobody
// writes in the general chat while a dialog is active (a paused or completed
// one locks nothing, W3).
func lockGeneralChat(ctx context.Context, tx subscriberLocker, workspaceID, subscriberID int64) (*beseda.Subscriber, error) {
	return lockDeciding(ctx, tx, workspaceID, subscriberID, (*beseda.Subscriber).MayWriteGeneralChat)
}

// PostDialogMessage sends a manager's message within a dialog, which must be
// active (W1): the client's active dialog, as their locked row says. With
// in.Internal it leaves a note for managers instead (see postNote).
func (a *Messages) PostDialogMessage(ctx context.Context, actor *beseda.User, dialogID int64, in beseda.MessageInput) (*beseda.Message, error) {
	if in.Internal {
		return a.postNote(ctx, actor, dialogID, in)
	}
	var m *beseda.Message
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		sub, timed, err := tx.LockSubscriberOfTimedDialog(ctx, actor.WorkspaceID, dialogID)
		if err != nil {
			return err
		}
		if sub.ActiveDialogID == nil || *sub.ActiveDialogID != dialogID {
			// Not active: read it only to say what it is instead.
			d, err := tx.FindDialogByID(ctx, actor.WorkspaceID, dialogID)
			if err != nil {
				return err
			}
			if err := d.CheckWritable(); err != nil {
				return err
			}
			return fmt.Errorf("dialog %d is active but not its client's active dialog", dialogID)
		}
		if m, err = a.managerMessage(ctx, tx, sub, &dialogID, actor, in); err != nil {
			return err
		}
		// A dialog without an SLA clock costs its messages no read of one.
		if timed {
			if err := a.app.SLA.slaManagerReplied(ctx, tx, dialogID); err != nil {
				return err
			}
		}
		if err := a.out.Produce(ctx, tx, sub, m); err != nil {
			return err
		}
		attachClaimed(ctx, tx, m)
		return nil
	})
	return m, err
}

// noteLimit bounds a note's text: notes go to no channel, so no channel's
// limit applies; this one keeps them readable.
var noteLimit = beseda.TextLimit{Max: 4096}

// postNote leaves an internal note in a dialog: managers see it in the
// dialog and the general chat, the client never does. It is stored as
// already sent and never queued, so no channel ever gets it; it touches
// neither the client's chat order nor their messaging window, and no
// webhook hears of it. Notes are taken in every status — a paused or
// completed case still gets notes; W1 is about writing to the client.
func (a *Messages) postNote(ctx context.Context, actor *beseda.User, dialogID int64, in beseda.MessageInput) (*beseda.Message, error) {
	var m *beseda.Message
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		// The lock only finds the dialog's client in one statement; a note
		// changes nothing the lock protects.
		sub, err := tx.LockSubscriberOfDialog(ctx, actor.WorkspaceID, dialogID)
		if err != nil {
			return err
		}
		if err := in.Clean(noteLimit); err != nil {
			return err
		}
		m = &beseda.Message{WorkspaceID: sub.WorkspaceID, SubscriberID: sub.ID, ChannelID: sub.ChannelID,
			DialogID: &dialogID, Direction: beseda.DirectionOut, Source: beseda.SourceManager, AuthorID: &actor.ID,
			Text: in.Text, Internal: true, Status: beseda.MessageSent, CreatedAt: a.now()}
		if err := a.claimAttachments(ctx, tx, beseda.ManagerOwner(actor), m, in.AttachmentIDs); err != nil {
			return err
		}
		if err := tx.CreateMessage(ctx, m); err != nil {
			return err
		}
		attachClaimed(ctx, tx, m)
		return a.emit(ctx, tx, sub.WorkspaceID, nil, beseda.LiveMessageCreated, m)
	})
	return m, err
}

func (a *Messages) managerMessage(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, dialogID *int64, actor *beseda.User, in beseda.MessageInput) (*beseda.Message, error) {
	m := &beseda.Message{WorkspaceID: sub.WorkspaceID, SubscriberID: sub.ID, ChannelID: sub.ChannelID,
		DialogID: dialogID, Direction: beseda.DirectionOut, Source: beseda.SourceManager, AuthorID: &actor.ID,
		CreatedAt: a.now()}
	if in.Template != nil {
		// A template is its own text: stored rendered, as the client reads it.
		if in.Text != "" || len(in.AttachmentIDs) > 0 {
			return nil, beseda.Errorf(beseda.EINVALID, "a message is a template or a text with files, not both")
		}
		ref, err := a.resolveTemplate(ctx, tx, sub, *in.Template)
		if err != nil {
			return nil, err
		}
		m.Text, ref.Text = ref.Text, ""
		m.Template = ref
		return m, nil
	}
	if err := in.Clean(a.textLimit(sub.ChannelKind)); err != nil {
		return nil, err
	}
	m.Text = in.Text
	if err := a.claimAttachments(ctx, tx, beseda.ManagerOwner(actor), m, in.AttachmentIDs); err != nil {
		return nil, err
	}
	return m, nil
}

// Inbound is a message from a client as a channel received it.
type Inbound struct {
	Text string
	// AttachmentIDs are files the client uploaded before (the web chat).
	AttachmentIDs []int64
	// Language is the client's language as their browser reports it (a BCP
	// 47 tag), if it says.
	Language string
}

// ReceiveMessage stores a client's message: it goes into the active dialog if
// there is one, else into the general chat (W4). A smart answer whose keyword
// the message contains replies through the gate (dropped during a dialog).
func (a *Messages) ReceiveMessage(ctx context.Context, sub *beseda.Subscriber, in Inbound) (*beseda.Message, error) {
	in.Text = beseda.SanitizeText(in.Text) // H1: a client's text is cleaned, never refused
	var m *beseda.Message
	var locked *beseda.Subscriber
	err := a.db.Update(ctx, func(tx *store.Tx) (err error) {
		if locked, err = tx.LockSubscriber(ctx, sub.WorkspaceID, sub.ID); err != nil {
			return err
		}
		if err := a.noteLanguage(ctx, tx, locked, in.Language); err != nil {
			return err
		}
		m, err = a.receiveFiles(ctx, tx, locked, beseda.MessageInput{Text: in.Text, AttachmentIDs: in.AttachmentIDs})
		return err
	})
	if err == nil {
		a.routeAfterInbound(ctx, locked)
	}
	return m, err
}

func (a *Messages) receiveMessage(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, text string) (*beseda.Message, error) {
	return a.receiveFiles(ctx, tx, sub, beseda.MessageInput{Text: text})
}

// receiveFiles stores a client's message, which may carry files the client
// uploaded (the web chat) and then needs no text.
func (a *Messages) receiveFiles(ctx context.Context, tx *store.Tx, sub *beseda.Subscriber, in beseda.MessageInput) (*beseda.Message, error) {
	if err := in.Clean(a.textLimit(sub.ChannelKind)); err != nil {
		return nil, err
	}
	text := in.Text
	now := a.now()
	m := &beseda.Message{WorkspaceID: sub.WorkspaceID, SubscriberID: sub.ID, ChannelID: sub.ChannelID,
		DialogID: sub.ActiveDialogID, Direction: beseda.DirectionIn, Source: beseda.SourceClient,
		Text: text, Status: beseda.MessageSent, CreatedAt: now, SentAt: &now}
	if err := a.claimAttachments(ctx, tx, beseda.ClientOwner(sub), m, in.AttachmentIDs); err != nil {
		return nil, err
	}
	if err := tx.CreateMessage(ctx, m); err != nil {
		return nil, err
	}
	if m.DialogID != nil {
		if err := a.app.SLA.slaClientWrote(ctx, tx, *m.DialogID); err != nil {
			return nil, err
		}
	}
	attachClaimed(ctx, tx, m)
	a.webhookEvent(ctx, tx, sub.WorkspaceID, beseda.WebhookMessageReceived, m)
	if err := tx.TouchSubscriber(ctx, sub.ID, now, true); err != nil {
		return nil, err
	}
	sub.LastInboundAt = &now
	if err := a.emit(ctx, tx, sub.WorkspaceID, nil, beseda.LiveMessageCreated, m); err != nil {
		return nil, err
	}
	return m, a.app.Automation.smartAnswer(ctx, tx, sub, text)
}
