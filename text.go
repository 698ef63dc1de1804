package beseda

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// TextCounting is how a platform counts the length of a text.
type TextCounting int

const (
	// CountCharacters counts Unicode characters (code points).
	CountCharacters TextCounting = iota
	// CountUTF16 counts UTF-16 code units, as some platforms do: a character
	// outside the Basic Multilingual Plane, such as most emoji, counts 2.
	CountUTF16
)

// TextLimit is the longest text a platform takes, in its own counting.
type TextLimit struct {
	Max      int
	Counting TextCounting
}

// Len is the length of s as the platform counts it.
func (l TextLimit) Len(s string) int {
	if l.Counting == CountUTF16 {
		n := 0
		for _, r := range s {
			n += utf16.RuneLen(r)
		}
		return n
	}
	return utf8.RuneCountInString(s)
}

// Cut returns the longest beginning of s that fits, never splitting a
// character.
func (l TextLimit) Cut(s string) string {
	n := 0
	for i, r := range s {
		w := 1
		if l.Counting == CountUTF16 {
			w = utf16.RuneLen(r)
		}
		if n+w > l.Max {
			return s[:i]
		}
		n += w
	}
	return s
}

// ShortenedNote ends a client's text that was longer than its channel
// takes, saying how many characters were cut off: such a text is stored
// shortened, never dropped (H1).
func ShortenedNote(more int) string {
	return "… [message shortened: " + strconv.Itoa(more) + " characters more]"
}

// Shorten returns s if it fits the limit; else the longest beginning of s
// that fits with ShortenedNote after it, the note counting the characters
// left out. It never splits a character, and the whole fits the limit.
func (l TextLimit) Shorten(s string) string {
	if l.Len(s) <= l.Max {
		return s
	}
	total := utf8.RuneCountInString(s)
	more := total // the note's length depends only on its number's digits
	for {
		room := max(l.Max-l.Len(ShortenedNote(more)), 0)
		kept := strings.TrimRightFunc(TextLimit{Max: room, Counting: l.Counting}.Cut(s), unicode.IsSpace)
		n := total - utf8.RuneCountInString(kept)
		if len(strconv.Itoa(n)) == len(strconv.Itoa(more)) {
			return kept + ShortenedNote(n)
		}
		more = n // fewer digits: more room, and fewer characters left out
	}
}

// check refuses text longer than the limit, saying how it was counted.
func (l TextLimit) check(text string) error {
	n := l.Len(text)
	if n <= l.Max {
		return nil
	}
	if l.Counting == CountUTF16 {
		return Errorf(EINVALID, "text is %d characters long as this channel counts them (an emoji counts 2); it takes at most %d", n, l.Max)
	}
	return Errorf(EINVALID, "text is %d characters; this channel takes at most %d", n, l.Max)
}

// CleanText trims a message text and checks it against the limits of the
// channels it may go to.
func CleanText(text string, limits ...TextLimit) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", Errorf(EINVALID, "text is required")
	}
	for _, l := range limits {
		if err := l.check(text); err != nil {
			return "", err
		}
	}
	return text, nil
}

// SubscriberNameMax is the longest client name kept: longer names a messenger
// sends are cut, never refused.
const SubscriberNameMax = 100

// CutName trims a client's name and cuts it to SubscriberNameMax characters.
func CutName(name string) string {
	name = strings.TrimSpace(name)
	return strings.TrimSpace(TextLimit{Max: SubscriberNameMax}.Cut(name))
}

// PortableTextMax is the longest text, in characters, that every channel
// takes, whatever the characters: what the product keeps for any client
// (saved replies, the thank-you). The registry refuses a channel type that
// takes less.
const PortableTextMax = 2000

// Fits reports whether every text of n characters fits the limit, however
// the platform counts them.
func (l TextLimit) Fits(n int) bool {
	if l.Counting == CountUTF16 {
		return l.Max >= 2*n
	}
	return l.Max >= n
}
