package beseda

import (
	"context"
	"io"
)

// Media is a file a client sent through a messenger, as its platform names
// it: the use case fetches it through the channel's type (MediaChannel) and
// stores it as an attachment of the client's message. It is kept with an
// event that could not be stored, so that the retry fetches it again.
type Media struct {
	// Ref is what the platform fetches the file by: its id of the file, or
	// the file's address.
	Ref string `json:"ref"`
	// Name is the client's name for the file, if the platform gives one;
	// else one is made of Kind. It never decides the file's type.
	Name string `json:"name,omitempty"`
	// Kind is the platform's word for it (photo, document, voice…).
	Kind string `json:"kind,omitempty"`
}

// MediaChannel is a channel type whose clients send files: it fetches them
// from the platform. The reader gives the file's bytes; the caller limits
// how many it reads and closes it. Errors mean the file could not be had
// now (the event is tried again later).
type MediaChannel interface {
	FetchMedia(ctx context.Context, ch *Channel, m Media) (io.ReadCloser, error)
}

// FileOpener gives a sender the bytes of a message's attachments, to upload
// them through the platform's media API. The caller closes the reader.
type FileOpener interface {
	OpenFile(ctx context.Context, att Attachment) (io.ReadCloser, error)
}

// TooLargeNote stands, in a client's message, for a file larger than the
// server keeps: the message is stored with it rather than refused forever.
func TooLargeNote(name string) string { return "[file too large to keep: " + name + "]" }
