package beseda

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// SavedReply is a workspace's ready answer that a manager inserts into a
// composer by typing "/" and its name. Every manager may use them; changing
// them needs PermSavedRepliesEdit.
type SavedReply struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SavedReplyNameMax is the longest name: a short handle to type.
const SavedReplyNameMax = 32

// SavedReplyTextMax is the longest text: one that any channel takes, so that
// a reply can go to any client.
func SavedReplyTextMax() int { return PortableTextMax }

// SavedReplyUpdate changes a saved reply; nil fields stay as they are.
type SavedReplyUpdate struct {
	Name *string `json:"name"`
	Text *string `json:"text"`
}

// Validate normalises the fields given and reports what is wrong with them.
// A name is 1–32 letters, digits, "-" or "_", kept in lower case so that
// "/Refund" and "/refund" are one handle; a text is 1–2000 characters.
func (u *SavedReplyUpdate) Validate() error {
	if u.Name != nil {
		name := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(*u.Name), "/"))
		if err := checkSavedReplyName(name); err != nil {
			return err
		}
		u.Name = &name
	}
	if u.Text != nil {
		text := strings.TrimSpace(*u.Text)
		if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
			return Errorf(EINVALID, "text must be valid UTF-8 without NUL bytes")
		}
		if text == "" {
			return Errorf(EINVALID, "text is required")
		}
		if n, max := utf8.RuneCountInString(text), SavedReplyTextMax(); n > max {
			return Errorf(EINVALID, "text is %d characters; a saved reply takes at most %d, so that every channel can send it", n, max)
		}
		u.Text = &text
	}
	return nil
}

func checkSavedReplyName(name string) error {
	if name == "" {
		return Errorf(EINVALID, "name is required")
	}
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > SavedReplyNameMax {
		return Errorf(EINVALID, "name must be at most %d characters", SavedReplyNameMax)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' {
			return Errorf(EINVALID, "name may have only letters, digits, - and _ (it is typed after /)")
		}
	}
	return nil
}

// SavedReplyCreate is a new saved reply.
type SavedReplyCreate struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// Validate normalises the input and reports what is wrong with it.
func (c *SavedReplyCreate) Validate() error {
	u := SavedReplyUpdate{Name: &c.Name, Text: &c.Text}
	if err := u.Validate(); err != nil {
		return err
	}
	c.Name, c.Text = *u.Name, *u.Text
	return nil
}
