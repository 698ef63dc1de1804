package app

// DataRights keeps what the law gives clients over their data (issue 24):
// the workspace's retention policy and the job that applies it, and the
// export and erasure of one client.
type DataRights struct{ *core }
