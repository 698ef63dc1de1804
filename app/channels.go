package app

import (
	"context"
	"encoding/base64"
	"io"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// ListChannels returns the channels of the actor's workspace. Only owners
// and admins, who manage channels, get their settings: for others Config is
// empty (a verify token or a secret is nothing a manager needs).
func (a *Channels) ListChannels(ctx context.Context, actor *beseda.User) ([]*beseda.Channel, error) {
	channels, err := a.db.FindChannels(ctx, actor.WorkspaceID)
	if err != nil || actor.IsAdmin() {
		return channels, err
	}
	for _, c := range channels {
		c.Config = beseda.ChannelConfig{}
	}
	return channels, nil
}

// Channel returns a channel of the actor's workspace. Owners and admins only:
// it carries the settings. Returns ENOTFOUND.
func (a *Channels) Channel(ctx context.Context, actor *beseda.User, id int64) (*beseda.Channel, error) {
	if !actor.IsAdmin() {
		return nil, beseda.Errorf(beseda.EFORBIDDEN, "only an owner or admin can manage channels")
	}
	return a.db.FindChannelByID(ctx, actor.WorkspaceID, id)
}

// CreateChannel connects the actor's workspace to a messenger. Owners and
// admins only. Settings the channel's type makes itself (a webhook secret, a
// verify token) are made here when not given; when the platform must learn
// one of them (a webhook's secret token), the channel sets itself up there
// first (Connector: the token is checked and the webhook registered at
// baseURL) and is created only if that works. Returns EINVALID.
func (a *Channels) CreateChannel(ctx context.Context, actor *beseda.User, in beseda.ChannelCreate, baseURL string) (*beseda.Channel, error) {
	if !actor.IsAdmin() {
		return nil, beseda.Errorf(beseda.EFORBIDDEN, "only an owner or admin can add channels")
	}
	reg := a.cfg.Channels
	if err := reg.CheckKind(in.Kind); err != nil {
		return nil, err
	}
	name, err := beseda.CheckChannelName(in.Name)
	if err != nil {
		return nil, err
	}
	t := reg.Of(in.Kind)
	cfg, generated := a.generate(t, in.Config, nil)
	if cfg, err = beseda.CheckConfig(t, cfg); err != nil {
		return nil, err
	}
	if err := a.checkAddresses(ctx, t, cfg); err != nil {
		return nil, err
	}
	c := &beseda.Channel{WorkspaceID: actor.WorkspaceID, Kind: in.Kind, Name: name, Key: a.newKey(),
		Config: cfg, Enabled: true, CreatedAt: a.now()}
	if generated && reg.Connects(c.Kind) {
		if err := reg.Connect(ctx, c, baseURL+t.Path(c.Key)); err != nil {
			return nil, err
		}
	}
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.CreateChannel(ctx, c); err != nil {
			return err
		}
		return a.audit(ctx, tx, c.WorkspaceID, actor, beseda.AuditChannelCreated, AuditTarget{"channel", c.ID},
			beseda.AuditChanges(nil, channelAudit(c)))
	})
	if err != nil {
		return nil, err
	}
	a.log.Info("channel created", "workspace", c.WorkspaceID, "channel", c.ID, "kind", c.Kind)
	a.syncConnected(ctx, c)
	return c, nil
}

// UpdateChannel renames a channel, switches it off or on, or changes its
// settings: those given replace the stored ones, secrets left out are kept.
// A channel that sets itself up on its platform (Connector) and is given new
// settings gets its generated secrets made again and is set up again.
// Owners and admins only. Returns ENOTFOUND, EINVALID.
func (a *Channels) UpdateChannel(ctx context.Context, actor *beseda.User, id int64, upd beseda.ChannelUpdate, baseURL string) (*beseda.Channel, error) {
	c, err := a.Channel(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	before := channelAudit(c)
	if upd.Name != nil {
		if c.Name, err = beseda.CheckChannelName(*upd.Name); err != nil {
			return nil, err
		}
	}
	if upd.Enabled != nil {
		c.Enabled = *upd.Enabled
	}
	reg := a.cfg.Channels
	t := reg.Of(c.Kind)
	if len(upd.Config) > 0 {
		merged := beseda.ChannelConfig{}
		for k, v := range c.Config {
			merged[k] = v
		}
		for k, v := range upd.Config {
			merged[k] = v
		}
		var keep beseda.ChannelConfig
		if !reg.Connects(c.Kind) {
			keep = merged // a verify token pasted into the platform stays
		}
		cfg, generated := a.generate(t, upd.Config, keep)
		for k, v := range cfg {
			merged[k] = v
		}
		if c.Config, err = beseda.CheckConfig(t, merged); err != nil {
			return nil, err
		}
		if err := a.checkAddresses(ctx, t, c.Config); err != nil {
			return nil, err
		}
		if generated && reg.Connects(c.Kind) {
			if err := reg.Connect(ctx, c, baseURL+t.Path(c.Key)); err != nil {
				return nil, err
			}
		}
	}
	// A channel that lost its settings (a lost key, `beseda keys forget`)
	// goes on only once they are given again.
	if c.Enabled && upd.Enabled != nil {
		if missing := beseda.MissingSettings(t, c.Config); len(missing) > 0 {
			return nil, beseda.Errorf(beseda.EINVALID, "the channel needs its settings before it is switched on: %s",
				strings.Join(missing, ", "))
		}
	}
	err = a.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateChannel(ctx, c, a.now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, c.WorkspaceID, actor, beseda.AuditChannelChanged, AuditTarget{"channel", c.ID},
			beseda.AuditChanges(before, channelAudit(c)))
	})
	if err != nil {
		return nil, err
	}
	a.log.Info("channel changed", "workspace", c.WorkspaceID, "channel", c.ID, "kind", c.Kind, "enabled", c.Enabled,
		"settings", len(upd.Config) > 0)
	if len(upd.Config) > 0 && c.Enabled {
		a.syncConnected(ctx, c)
	}
	return c, nil
}

// AddressRule refuses (EINVALID) a URL that leads to an address the server
// may not send requests to; internal/netguard implements it.
type AddressRule interface {
	CheckURL(ctx context.Context, what, rawURL string) error
}

// checkAddresses holds a channel's address settings (api_base_url) to the
// address rule of outgoing webhooks, before anything is sent to them.
func (a *Channels) checkAddresses(ctx context.Context, t beseda.ChannelType, cfg beseda.ChannelConfig) error {
	if a.cfg.Addresses == nil {
		return nil
	}
	for _, f := range t.Fields() {
		if v := cfg[f.Name]; f.Address && v != "" {
			if err := a.cfg.Addresses.CheckURL(ctx, "config."+f.Name, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// generate returns the config given, with the type's generated settings made
// where neither given nor kept; generated tells whether any was made.
func (a *Channels) generate(t beseda.ChannelType, given, kept beseda.ChannelConfig) (beseda.ChannelConfig, bool) {
	out := beseda.ChannelConfig{}
	for k, v := range given {
		out[k] = v
	}
	generated := false
	for _, f := range t.Fields() {
		if f.Generated && out[f.Name] == "" && kept[f.Name] == "" {
			out[f.Name] = a.newSecret()
			generated = true
		}
	}
	return out, generated
}

// newSecret makes a setting no one may guess, of the characters every
// platform takes in one (the strictest, a webhook secret token: A-Z, a-z,
// 0-9, _ and -).
func (a *core) newSecret() string {
	b := make([]byte, 24)
	if _, err := io.ReadFull(a.random, b); err != nil {
		panic("beseda: random source failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// channelAudit is what the audit log compares of a channel: its settings
// with their secrets (shown as "***" by beseda.AuditChanges).
func channelAudit(c *beseda.Channel) map[string]any {
	cfg := make(map[string]string, len(c.Config))
	for k, v := range c.Config {
		cfg[k] = v
	}
	return map[string]any{"kind": c.Kind, "name": c.Name, "enabled": c.Enabled, "config": cfg}
}
