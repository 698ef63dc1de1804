package beseda

import (
	"context"
	"fmt"
	"strings"
)

// Registry is the channel types a server speaks, by kind. The server builds
// it once from the channel packages (one line each) and hands it to every
// part of the program that asks about a channel: validation of settings, text
// limits, the send window, pacing, sending and webhooks all come from it.
type Registry struct {
	byKind map[ChannelKind]ChannelType
	order  []ChannelType
}

// NewRegistry registers the types in the order forms and lists show them.
// Two types of one kind are a programming error.
func NewRegistry(types ...ChannelType) *Registry {
	r := &Registry{byKind: map[ChannelKind]ChannelType{}}
	for _, t := range types {
		k := t.Kind()
		if k == "" || strings.ContainsAny(string(k), "/?#% ") {
			panic(fmt.Sprintf("beseda: channel kind %q cannot name a URL segment", k))
		}
		if !t.TextLimit().Fits(PortableTextMax) {
			panic(fmt.Sprintf("beseda: channel kind %q takes less than PortableTextMax", k))
		}
		if r.byKind[k] != nil {
			panic(fmt.Sprintf("beseda: channel kind %q registered twice", k))
		}
		r.byKind[k] = t
		r.order = append(r.order, t)
	}
	return r
}

// Of returns the type of a kind. A kind this server does not speak (a channel
// added by a newer version, say) gets a type that takes no settings and whose
// messages fail, so that callers never meet nil.
func (r *Registry) Of(kind ChannelKind) ChannelType {
	if t := r.byKind[kind]; t != nil {
		return t
	}
	return unsupported(kind)
}

// Known reports whether this server speaks the kind.
func (r *Registry) Known(kind ChannelKind) bool { return r.byKind[kind] != nil }

// All returns the types in the order they were registered.
func (r *Registry) All() []ChannelType { return append([]ChannelType(nil), r.order...) }

// Kinds names the kinds this server speaks, for messages and flags.
func (r *Registry) Kinds() []ChannelKind {
	out := make([]ChannelKind, len(r.order))
	for i, t := range r.order {
		out[i] = t.Kind()
	}
	return out
}

// Pacing returns every type's own pace, by kind.
func (r *Registry) Pacing() map[ChannelKind]Pacing {
	out := map[ChannelKind]Pacing{}
	for _, t := range r.order {
		out[t.Kind()] = t.Pacing()
	}
	return out
}

// Builtin returns the types that need no settings (the web chat): every
// workspace starts with one channel of each, ready to use.
func (r *Registry) Builtin() []ChannelType {
	var out []ChannelType
	for _, t := range r.order {
		if len(t.Fields()) == 0 {
			out = append(out, t)
		}
	}
	return out
}

// CheckKind refuses a kind this server does not speak.
func (r *Registry) CheckKind(kind ChannelKind) error {
	if r.Known(kind) {
		return nil
	}
	names := make([]string, len(r.order))
	for i, t := range r.order {
		names[i] = string(t.Kind())
	}
	return Errorf(EINVALID, "kind must be one of %s", strings.Join(names, ", "))
}

// Connect sets a channel up on its platform, for the types that do that
// themselves (Connector); others need nothing.
func (r *Registry) Connect(ctx context.Context, ch *Channel, webhookURL string) error {
	if c, ok := r.Of(ch.Kind).(Connector); ok {
		return c.Connect(ctx, ch, webhookURL)
	}
	return nil
}

// Connects reports whether the kind sets its channels up itself.
func (r *Registry) Connects(kind ChannelKind) bool {
	_, ok := r.Of(kind).(Connector)
	return ok
}

// ShownOnStore reports whether a kind of channel has no remote side: no
// sender, its clients see the messages stored, through this server's pages
// (the web chat). There a message is delivered once stored.
func (r *Registry) ShownOnStore(kind ChannelKind) bool { return r.Of(kind).Sender() == nil }

// unsupported is the type of a kind this server does not speak.
type unsupported ChannelKind

func (u unsupported) Kind() ChannelKind       { return ChannelKind(u) }
func (u unsupported) Title(Locale) string     { return string(u) }
func (u unsupported) Fields() []ConfigField   { return nil }
func (u unsupported) TextLimit() TextLimit    { return TextLimit{Max: 4096} }
func (u unsupported) Pacing() Pacing          { return Pacing{PerSecond: 1} }
func (u unsupported) Window() SendWindow      { return SendWindow{} }
func (u unsupported) Sender() Sender          { return u }
func (u unsupported) Webhook() ChannelWebhook { return nil }
func (u unsupported) Path(key string) string  { return "" }
func (u unsupported) Send(context.Context, Delivery) (string, error) {
	return "", &SendError{Reason: fmt.Sprintf("this server does not speak %q channels", string(u)), Permanent: true}
}
