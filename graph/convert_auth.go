package graph

import (
	"chainmatch/graph/model"
	"chainmatch/internal/auth"
	"chainmatch/internal/gid"
)

func apiKeyToGraph(k auth.APIKey) *model.APIKey {
	return &model.APIKey{
		ID: gid.Encode(gid.APIKey, k.ID), KeyID: k.ID, Name: k.Name, Role: k.Role, Prefix: k.Prefix,
		CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt,
	}
}

func viewerToGraph(p auth.Principal) *model.Viewer {
	v := &model.Viewer{Role: p.Role}
	if p.ID != "" {
		v.ID, v.Name = &p.ID, &p.Name
	}
	return v
}

func auditPageToGraph(p auth.AuditPage) *model.AuditEntryConnection {
	c := &model.AuditEntryConnection{Edges: make([]model.AuditEntryEdge, len(p.Entries)), PageInfo: &model.PageInfo{HasNextPage: p.HasNextPage}}
	for i, e := range p.Entries {
		node := auditEntryToGraph(e)
		cur := auth.AuditCursor{At: e.At, ID: e.ID}.Encode()
		c.Edges[i] = model.AuditEntryEdge{Cursor: cur, Node: node}
	}
	if n := len(c.Edges); n > 0 {
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &c.Edges[0].Cursor, &c.Edges[n-1].Cursor
	}
	return c
}

func auditEntryToGraph(e auth.AuditEntry) *model.AuditEntry {
	node := &model.AuditEntry{
		ID: gid.Encode(gid.AuditEntry, e.ID), At: e.At, ActorID: e.ActorID, ActorRole: e.ActorRole,
		Field: e.Field, ArgumentIds: e.ArgumentIDs, ResultIds: e.ResultIDs, Ok: e.OK,
	}
	if node.ArgumentIds == nil {
		node.ArgumentIds = []string{}
	}
	if node.ResultIds == nil {
		node.ResultIds = []string{}
	}
	if e.OperationName != "" {
		node.OperationName = &e.OperationName
	}
	if e.ErrorCode != "" {
		node.ErrorCode = &e.ErrorCode
	}
	if e.RequestID != "" {
		node.RequestID = &e.RequestID
	}
	return node
}
