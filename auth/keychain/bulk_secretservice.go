//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package keychain

import (
	"github.com/godbus/dbus/v5"
	ss "github.com/zalando/go-keyring/secret_service"
)

// Secret Service names the bulk read uses beyond go-keyring's (secret_service.go).
const (
	secretServiceName = "org.freedesktop.secrets"
	secretServicePath = dbus.ObjectPath("/org/freedesktop/secrets")
	secretGetSecrets  = "org.freedesktop.Secret.Service.GetSecrets"
	propertiesGet     = "org.freedesktop.DBus.Properties.Get"
	secretItem        = "org.freedesktop.Secret.Item"
)

// maxInFlight bounds the attribute calls pipelined at once: a bus refuses
// more pending replies per connection than its limit ("The maximum number
// of pending replies per connection has been reached", met at 200
// accounts under dbus-daemon's default of 128).
const maxInFlight = 64

// GetAll reads every item go-keyring stored under service, in one pass: it finds the login
// collection and unlocks it as go-keyring's Get does (same package, same prompt handling),
// searches it once for the items whose "service" attribute is service, asks every item for
// its attributes (pipelined, up to maxInFlight calls at a time, not waited on one by one) for its
// "username", and reads all secrets with one GetSecrets in one "plain" session, the
// algorithm go-keyring uses. So a read of N items costs about six round trips plus N small
// property answers, where N calls of Get cost 7N round trips.
//
// It returns ErrNoBulk when the Secret Service left an item out of GetSecrets' answer (an
// item locked on its own, or deleted meanwhile): the caller then reads item by item, as
// go-keyring would, unlocking each.
func (goKeyring) GetAll(service string) (map[string]string, error) {
	svc, err := ss.NewSecretService()
	if err != nil {
		return nil, err
	}
	collection := svc.GetLoginCollection()
	if err := svc.Unlock(collection.Path()); err != nil {
		return nil, err
	}
	paths, err := svc.SearchItems(collection, map[string]string{"service": service})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(paths))
	if len(paths) == 0 {
		return out, nil
	}
	attrs := make([]map[string]string, len(paths))
	for start := 0; start < len(paths); start += maxInFlight {
		batch := paths[start:min(start+maxInFlight, len(paths))]
		calls := make([]*dbus.Call, len(batch))
		for i, p := range batch {
			calls[i] = svc.Object(secretServiceName, p).Go(propertiesGet, 0, nil, secretItem, "Attributes")
		}
		for i, c := range calls {
			<-c.Done
			if err := c.Store(&attrs[start+i]); err != nil {
				return nil, err
			}
		}
	}
	session, err := svc.OpenSession()
	if err != nil {
		return nil, err
	}
	defer svc.Close(session)
	var secrets map[dbus.ObjectPath]ss.Secret
	err = svc.Object(secretServiceName, secretServicePath).Call(secretGetSecrets, 0, paths, session.Path()).Store(&secrets)
	if err != nil {
		return nil, err
	}
	for i, a := range attrs {
		user, ok := a["username"]
		if !ok || a["service"] != service {
			continue // not an item go-keyring wrote
		}
		secret, ok := secrets[paths[i]]
		if !ok {
			return nil, ErrNoBulk
		}
		if _, dup := out[user]; !dup { // go-keyring's Get takes the first item found
			out[user] = string(secret.Value)
		}
	}
	return out, nil
}
