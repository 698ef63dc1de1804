package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/store"
)

// Forgotten is one secret dropped with a lost key, and what that costs.
type Forgotten struct {
	Secret store.Secret
	// Lost says what was lost and what to do about it, for the operator.
	Lost string
	// WebhookSecret is an outgoing webhook's new signing secret, which its
	// receiver needs.
	WebhookSecret string
}

// ForgetKeys drops the secrets sealed with the keys of ids, which are lost,
// so that the server starts without them (`beseda keys forget`), in one
// transaction. A channel's settings are emptied and, when its type takes
// settings, it is switched off until an owner enters them again (the API
// and the console name them: beseda.MissingSettings); an outgoing webhook
// gets a new signing secret, returned for its receiver; an installation
// secret is removed, and the server makes a new one at its next start. The
// database then forgets the ids.
func (a *App) ForgetKeys(ctx context.Context, ids []string) ([]Forgotten, error) {
	var out []Forgotten
	err := a.db.Update(ctx, func(tx *store.Tx) error {
		out = nil
		secrets, err := tx.Secrets(ctx)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if !slices.Contains(ids, s.KeyID) {
				continue
			}
			f := Forgotten{Secret: s}
			switch s.Where {
			case store.SecretChannelConfig:
				t := a.cfg.Channels.Of(beseda.ChannelKind(s.Kind))
				what := fmt.Sprintf("channel %d %q (%s, workspace %d)", s.ID, s.Name, t.Title(beseda.LocaleEN), s.WorkspaceID)
				settings := t.Fields()
				if err := tx.ForgetChannelSettings(ctx, s.ID, len(settings) > 0, a.now()); err != nil {
					return err
				}
				if len(settings) == 0 {
					f.Lost = what + ": nothing lost, it takes no settings"
					break
				}
				names := make([]string, len(settings))
				for i, field := range settings {
					names[i] = field.Name
				}
				f.Lost = fmt.Sprintf("%s: its settings are gone (%s); it is switched off until an owner or admin enters %s "+
					"again in Settings → Channels (or PATCH /api/v1/channels/%d) and switches it on",
					what, strings.Join(names, ", "), strings.Join(beseda.MissingSettings(t, nil), ", "), s.ID)
			case store.SecretWebhook:
				f.WebhookSecret = a.newSecret()
				if err := tx.ReplaceWebhookSecret(ctx, s.ID, []byte(f.WebhookSecret)); err != nil {
					return err
				}
				f.Lost = fmt.Sprintf("webhook %d %s (workspace %d): its signing secret is gone; it signs with a new one now: %s "+
					"— give it to the receiver (until then its check refuses the deliveries, which are retried for a day)",
					s.ID, s.Name, s.WorkspaceID, f.WebhookSecret)
			case store.SecretInstallationValue:
				if err := tx.ForgetInstallationSecret(ctx, s.Key); err != nil {
					return err
				}
				f.Lost = "the installation's " + s.Key + ": the server makes a new one at its next start"
				if s.Key == "signing_secret" {
					f.Lost += "; rating buttons already sent and file links already handed out no longer work"
				}
			case store.SecretTOTP:
				if err := tx.DisableTOTP(ctx, s.ID); err != nil {
					return err
				}
				f.Lost = fmt.Sprintf("user %d %s (workspace %d): two-factor sign-in is off; they set it up again "+
					"(at once if the workspace requires it)", s.ID, s.Name, s.WorkspaceID)
			case store.SecretOIDCClient:
				if err := tx.ForgetOIDCClientSecret(ctx, s.WorkspaceID); err != nil {
					return err
				}
				f.Lost = fmt.Sprintf("workspace %d: the single sign-on client secret of %s is gone; sign-in with it fails "+
					"until an owner enters it again in Settings → Sign-in (owners keep their password)", s.WorkspaceID, s.Name)
			default:
				return fmt.Errorf("forget keys: %s is a secret this version does not know", s.Where)
			}
			out = append(out, f)
		}
		return tx.RecountSecretKeys(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("forget keys: %w", err)
	}
	for _, f := range out {
		a.log.Warn("secret forgotten with its lost key", "where", f.Secret.Where, "id", f.Secret.ID, "key", f.Secret.KeyID)
	}
	return out, nil
}
