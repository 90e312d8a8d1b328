package maps

// The LRU of lru_hash and lru_percpu_hash, modelled on Linux 6.1's
// bpf_lru_list (one CPU): a fixed pool of max_entries nodes moving
// between a free list, an active and an inactive list, and (common LRU)
// the CPU's local free and pending lists. Lookups from programs set a
// node's reference bit; when no node is free, the inactive list is
// rotated and shrunk — unreferenced nodes are evicted, up to
// LOCAL_FREE_TARGET at once — so which elements survive matches the
// kernel's choices, not a textbook LRU.

const (
	lruLocalFreeTarget  = 128 // LOCAL_FREE_TARGET
	lruNrScans          = 128 // LOCAL_NR_SCANS
	lruPercpuFreeTarget = 4   // PERCPU_FREE_TARGET
)

type lruType uint8

const (
	lruActive lruType = iota
	lruInactive
	lruFree
	lruLocalFree
	lruLocalPending
)

type lruNode struct {
	prev, next *lruNode
	typ        lruType
	ref        bool
	elem       *hashElem // nil while the node is free
}

func (h *lruNode) init() { h.prev, h.next = h, h }

func (h *lruNode) empty() bool { return h.next == h }

// add puts n right after head h (list_add).
func (h *lruNode) add(n *lruNode) {
	n.prev, n.next = h, h.next
	h.next.prev = n
	h.next = n
}

func (n *lruNode) del() {
	n.prev.next = n.next
	n.next.prev = n.prev
	n.prev, n.next = nil, nil
}

type lruList struct {
	lists  [3]lruNode // active, inactive, free (heads)
	counts [2]int     // active, inactive
	nextIR *lruNode   // next_inactive_rotation
	// Common LRU: the CPU's local lists.
	localFree, localPending lruNode
	percpu                  bool
	evict                   func(*hashElem) // del_from_htab
}

func newLRU(n uint32, percpu bool, evict func(*hashElem)) *lruList {
	l := &lruList{percpu: percpu, evict: evict}
	for i := range l.lists {
		l.lists[i].init()
	}
	l.localFree.init()
	l.localPending.init()
	l.nextIR = &l.lists[lruInactive]
	for i := uint32(0); i < n; i++ {
		nd := &lruNode{typ: lruFree}
		l.lists[lruFree].add(nd)
	}
	return l
}

func (l *lruList) head(t lruType) *lruNode { return &l.lists[t] }

// move is __bpf_lru_node_move.
func (l *lruList) move(n *lruNode, t lruType) {
	if n.typ != t {
		if n.typ <= lruInactive {
			l.counts[n.typ]--
		}
		if t <= lruInactive {
			l.counts[t]++
		}
		n.typ = t
	}
	n.ref = false
	if n == l.nextIR {
		l.nextIR = l.nextIR.prev
	}
	n.del()
	l.head(t).add(n)
}

// moveIn is __bpf_lru_node_move_in (from a local list).
func (l *lruList) moveIn(n *lruNode, t lruType) {
	l.counts[t]++
	n.typ = t
	n.ref = false
	n.del()
	l.head(t).add(n)
}

// moveToFree is __bpf_lru_node_move_to_free.
func (l *lruList) moveToFree(n *lruNode, free *lruNode, t lruType) {
	if n == l.nextIR {
		l.nextIR = l.nextIR.prev
	}
	if n.typ <= lruInactive {
		l.counts[n.typ]--
	}
	n.typ = t
	n.del()
	free.add(n)
}

func (l *lruList) rotateActive() {
	active := l.head(lruActive)
	first := active.next
	i := 0
	for n := active.prev; n != active; {
		prev := n.prev
		if n.ref {
			l.move(n, lruActive)
		} else {
			l.move(n, lruInactive)
		}
		i++
		if i == lruNrScans || n == first {
			break
		}
		n = prev
	}
}

func (l *lruList) rotateInactive() {
	inactive := l.head(lruInactive)
	if inactive.empty() {
		return
	}
	last := l.nextIR.next
	if last == inactive {
		last = last.next
	}
	cur := l.nextIR
	next := inactive
	for i := 0; i < lruNrScans; {
		if cur == inactive {
			cur = cur.prev
			continue
		}
		next = cur.prev
		if cur.ref {
			l.move(cur, lruActive)
		}
		if cur == last {
			break
		}
		cur = next
		i++
	}
	l.nextIR = next
}

func (l *lruList) rotate() {
	if l.counts[lruInactive] < l.counts[lruActive] {
		l.rotateActive()
	}
	l.rotateInactive()
}

func (l *lruList) shrinkInactive(target int, free *lruNode, t lruType) int {
	inactive := l.head(lruInactive)
	shrunk, i := 0, 0
	for n := inactive.prev; n != inactive; {
		prev := n.prev
		if n.ref {
			l.move(n, lruActive)
		} else {
			l.evict(n.elem)
			n.elem = nil
			l.moveToFree(n, free, t)
			shrunk++
			if shrunk == target {
				break
			}
		}
		i++
		if i == lruNrScans {
			break
		}
		n = prev
	}
	return shrunk
}

func (l *lruList) shrink(target int, free *lruNode, t lruType) int {
	if n := l.shrinkInactive(target, free, t); n > 0 {
		return n
	}
	force := l.head(lruInactive)
	if force.empty() {
		force = l.head(lruActive)
	}
	if n := force.prev; n != force {
		l.evict(n.elem)
		n.elem = nil
		l.moveToFree(n, free, t)
		return 1
	}
	return 0
}

// pop takes a node for a new element (prealloc_lru_pop), evicting
// elements when none is free; nil when the pool is exhausted.
func (l *lruList) pop() *lruNode {
	if l.percpu {
		l.rotate()
		free := l.head(lruFree)
		if free.empty() {
			l.shrink(lruPercpuFreeTarget, free, lruFree)
		}
		if free.empty() {
			return nil
		}
		n := free.next
		n.ref = false
		l.move(n, lruInactive)
		return n
	}
	if l.localFree.empty() {
		l.popFreeToLocal()
	}
	if l.localFree.empty() {
		return nil
	}
	n := l.localFree.next
	n.del()
	n.typ = lruLocalPending
	n.ref = false
	l.localPending.add(n)
	return n
}

func (l *lruList) popFreeToLocal() {
	for n := l.localPending.prev; n != &l.localPending; {
		prev := n.prev
		if n.ref {
			l.moveIn(n, lruActive)
		} else {
			l.moveIn(n, lruInactive)
		}
		n = prev
	}
	l.rotate()
	nfree := 0
	free := l.head(lruFree)
	for n := free.next; n != free; {
		next := n.next
		l.moveToFree(n, &l.localFree, lruLocalFree)
		nfree++
		if nfree == lruLocalFreeTarget {
			break
		}
		n = next
	}
	if nfree < lruLocalFreeTarget {
		l.shrink(lruLocalFreeTarget-nfree, &l.localFree, lruLocalFree)
	}
}

// push returns a node to the free lists (delete, replace, failed update).
func (l *lruList) push(n *lruNode) {
	n.elem = nil
	if n.typ == lruLocalPending {
		n.typ = lruLocalFree
		n.ref = false
		n.del()
		l.localFree.add(n)
		return
	}
	l.move(n, lruFree)
}
