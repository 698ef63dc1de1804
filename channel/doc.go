// Package channel holds what connects Beseda to messengers: one package per
// messenger (webchat, telegram, messenger) that parses what the messenger
// sends in and speaks its API to send out. No business rules live here: a
// channel turns a webhook into a call of app/, and a message of app/ into a
// request to the messenger.
package channel
