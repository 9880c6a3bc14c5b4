/*
 * TppGate binding protocol, as fixed by decision 0010 (issue 13). Checked by .ci/run:
 *   spin -a binding-protocol-fixed.pml && gcc -O2 -DSAFETY -DCOLLAPSE -o pan pan.c && ./pan -m100000
 * and it must report "errors: 0".
 *
 * What is modelled (see docs/decisions/0010-write-protocol-and-change-feed.md for what is left out):
 *  - storage: per certificate a state ABSENT -> ACTIVE(owner) -> REVOKED and an ETag (ver); insert-if-absent,
 *    replace-if-ETag; every step atomic, as one Table Storage operation is;
 *  - the change feed: numbered entries appended with the head in one transaction (atomic), each an intent
 *    written BEFORE the certificate write; retention deletes entries whose change has landed;
 *  - two admin writers (two instances of the admin app), each doing up to MAXOPS register / revoke calls for
 *    two clients and two certificates; after any step a call may stop (crash, lost response, deadline) and be
 *    retried as a new call; a certificate write may also stay in flight and land later, after its call gave up;
 *  - two authorizer instances, each with a watcher (feed reads that may fail: outages of any length) and a
 *    request loop (cache look-ups, storage reads, stores guarded by the epoch), starting with no position;
 *  - time as rounds, without end: a ticker ages every clock by one round (saturating at BOUND + 1); an
 *    instance uses its cache only while its last successful feed read is at most BOUND rounds old, counted
 *    from the (atomic) read itself, as the code counts from the read's start. (An earlier version of this
 *    model stamped freshness after the landing checks instead, and spin found the resulting stale allow: a
 *    freshness stamp must never be later than the read it vouches for.)
 *
 * Why one instance suffices for the exhaustive check: an authorizer instance never writes storage or the feed
 * (it only reads them and writes its own cache), so every step of another instance is a stutter step for it:
 * each behaviour of instance 0 in a run with N instances is a behaviour of instance 0 in a run with one, and
 * I3 is a property of one instance at a time. With N = 2 the product of two instances' caches is ~10^9 states
 * (spin runs out of 1.5 GB after 28 million); `spin -a` with the default N = 2 and `-DBITSTATE` explores it
 * partially for whoever has the hours. The two ADMIN writers, which do interact, are always both modelled.
 *
 * Decision 0014 adds a third admin writer that updates certificate 0's activation window (open <-> closed) up to
 * twice (a change and a change back: A -> B -> A, or a retry of the same change, which is Unchanged); storage keeps
 * a version per certificate (1 on insert, +1 on every replace) that is also the ETag, every replace is
 * conditional on the version read, an update announces in its feed entry the version it will write, and a reader
 * resolves an update when storage holds that version or a later one, or is revoked. It is checked as a second
 * run, -DUPDATES, beside the first (which is the register / revoke model of decision 0010 unchanged): with the
 * updater added to both other admins the search passes 34 million states and the 2 GB limit without ending, so
 * the updater's run keeps one revocation (the race that matters to an update: 412 either way) and leaves the
 * registration races, which never touch an existing entity and so never meet an update, to the first run.
 * With -DUPDATE_AS_REGISTER (an update resolved as soon as the entity exists, as a registration is) spin finds
 * a stale allow (I4); check.sh --old shows it.
 *
 * Invariants (assertions):
 *  I1 a certificate is bound to at most one client (ever);
 *  I2 a revoked binding is never active again in storage;
 *  I3 no instance allows a certificate more than BOUND rounds after its revocation committed;
 *  I4 no instance allows a certificate from its cache more than BOUND rounds after a committed update (or
 *     revocation) made it unusable: a stale window is not served past the bound.
 */

#define C 2
#ifndef N
#define N 2              /* authorizer instances; .ci/run checks with -DN=1, see "Why one instance suffices" */
#endif
#ifdef UPDATES
#define L 4              /* Admin0 (revocations) and Admin2 (updates) append at most two entries each */
#else
#define L 3              /* the admins append at most three entries */
#endif
#define BOUND 1
#define OLD (BOUND + 1)  /* "more than BOUND rounds ago" */

#define ABSENT 0
#define ACTIVE 1
#define REVOKED 2
#define REG 1
#define REV 2
#define UPD 3

/* storage */
byte st[C];
byte owner[C];
byte revAge[C];       /* rounds since the revocation committed */
bool everRevoked[C];
byte ownersEver[C];   /* bit k: client k was ever the owner (I1) */
byte ver[C];          /* the entity's version, also its ETag: 1 on insert, +1 on every replace */
bool win[C];          /* the activation window: 1 open (usable), 0 closed */
byte closeAge[C];     /* rounds since a committed write made the certificate unusable (I4) */

/* the change feed: entry j has sequence j + 1 */
byte fcert[L];
byte fkind[L];
byte fver[L];          /* for UPD, the version announced */
bool fdel[L];
byte flen = 0;


/* instances: cache 0 = not cached, 1 = a deny (absent or revoked), 2 = an allow for its owner (ACTIVE + 1) */
byte cache[N * C];
byte pend[N * C];
byte pver[N * C];      /* for a pending UPD, the highest version announced */
bool clean[N * C];     /* false once the certificate was invalidated after a read started (the epoch) */
short pos[N];          /* last sequence read, -1 before the first read */
byte pollAge[N];       /* rounds since the last successful feed read */

#define IX(i, c) ((i) * C + (c))
#define USABLE(c) (st[c] == ACTIVE && win[c])
#ifdef UPDATE_AS_REGISTER
/* the flawed alternative: an update resolved like a registration, as soon as the entity exists */
#define UPD_RESOLVED(pv, c) (st[c] != ABSENT)
#else
#define UPD_RESOLVED(pv, c) (st[c] == REVOKED || (st[c] != ABSENT && ver[c] >= (pv)))
#endif
#define RESOLVED(kind, pv, c) (((kind) == REG && st[c] != ABSENT) || ((kind) == REV && st[c] == REVOKED) || ((kind) == UPD && UPD_RESOLVED(pv, c)))
#define FRESH(i) (pollAge[i] <= BOUND)
#define RESOLVE(i, c) \
  if \
  :: pend[IX(i, c)] != 0 && RESOLVED(pend[IX(i, c)], pver[IX(i, c)], c) -> pend[IX(i, c)] = 0; pver[IX(i, c)] = 0; cache[IX(i, c)] = 0; clean[IX(i, c)] = 0 \
  :: else \
  fi
#define AGE(x) if :: x < OLD -> x++ :: else fi

inline append(c, kind, v) {
  atomic {
    assert(flen < L);
    fcert[flen] = c; fkind[flen] = kind; fver[flen] = v; fdel[flen] = 0; flen++
  }
}

inline insertCert(c, k) {
  atomic {
    if
    :: st[c] == ABSENT ->
         assert(!everRevoked[c]);              /* I2: only an absent certificate becomes active */
         st[c] = ACTIVE; owner[c] = k; ver[c] = 1; win[c] = 1;
         ownersEver[c] = ownersEver[c] | (1 << k);
         assert(ownersEver[c] != 3)            /* I1 */
    :: else -> skip                           /* 409 */
    fi
  }
}

/* Replace under the ETag read before (the version): 412 when any write came in between. */
inline replaceRevoked(c, rv) {
  atomic {
    if
    :: st[c] == ACTIVE && ver[c] == rv ->
         if :: USABLE(c) -> closeAge[c] = 0 :: else fi;
         st[c] = REVOKED; revAge[c] = 0; everRevoked[c] = 1; ver[c]++
    :: else -> skip                           /* 412 */
    fi
  }
}

inline replaceWindow(c, rv, w) {
  atomic {
    if
    :: st[c] == ACTIVE && ver[c] == rv ->
         if :: USABLE(c) && !w -> closeAge[c] = 0 :: else fi;
         win[c] = w; ver[c]++
    :: else -> skip                           /* 412 */
    fi
  }
}

/* A certificate write whose call gave up may still land later (slow storage, lost response). */
proctype InFlight(byte c; byte k; byte kind; byte rv; bool w) {
  if
  :: kind == REG -> insertCert(c, k)
  :: kind == REV -> replaceRevoked(c, rv)
  :: kind == UPD -> replaceWindow(c, rv, w)
  :: skip                                     /* never lands */
  fi
}

/* One admin call (a C preprocessor macro so that each use can name where a stopped call goes on). */
#define REGISTER_CALL(c, k, out) \
  atomic { s = st[c] }; \
  if \
  :: s != ABSENT -> skip            /* AlreadyBound / BoundElsewhere / Blocked: no state change */ \
  :: else -> \
       if :: skip :: goto out fi;    /* crash before the intent */ \
       append(c, REG, 0); \
       if \
       :: insertCert(c, k)          /* then done, or its response is lost: the same state */ \
       :: run InFlight(c, k, REG, 0, 0); goto out   /* gave up (deadline, lost connection): may land later */ \
       :: goto out                  /* crashed before sending it */ \
       fi \
  fi

/* A 412 ends the call here (the code re-reads and tries again: the same as a new call, which the admins make). */
#define REVOKE_CALL(c, k, out) \
  atomic { s = st[c]; o = owner[c]; rv = ver[c] }; \
  if \
  :: s != ACTIVE || o != k -> skip  /* NotFound / AlreadyRevoked (index and audit repaired) */ \
  :: else -> \
       if :: skip :: goto out fi; \
       append(c, REV, 0); \
       if \
       :: replaceRevoked(c, rv) \
       :: run InFlight(c, k, REV, rv, 0); goto out \
       :: goto out \
       fi \
  fi

/* An update of certificate c's window to w: Unchanged when it already is w (nothing written), Revoked / NotFound
   when not active; otherwise the intent announcing version rv + 1, then the replace under version rv. */
#define UPDATE_CALL(c, w, out) \
  atomic { s = st[c]; rv = ver[c]; o = win[c] }; \
  if \
  :: s != ACTIVE || o == w -> skip  /* Revoked / NotFound / Unchanged: no state change */ \
  :: else -> \
       if :: skip :: goto out fi; \
       append(c, UPD, rv + 1); \
       if \
       :: replaceWindow(c, rv, w) \
       :: run InFlight(c, 0, UPD, rv, w); goto out \
       :: goto out \
       fi \
  fi

/* Client 0's admin: revokes certificate 0 (bound to client 0 from the start), then either retries that call
   whatever happened (a retry after a lost response or a 503 is a new call) or races client 1 for certificate 1. */
proctype Admin0() {
  byte s, o, rv;
  REVOKE_CALL(0, 0, second);
second:
  s = 0; o = 0; rv = 0;
#ifdef UPDATES
  skip;                            /* with the updater: one revocation; registration races are the other run's */
#else
  if
  :: REVOKE_CALL(0, 0, done)
  :: REGISTER_CALL(1, 0, done)
  fi;
#endif
done: skip
}

/* Client 1's admin, on another admin instance: registers certificate 1, or tries to take certificate 0. */
proctype Admin1() {
  byte s, o, rv;
  if
  :: REGISTER_CALL(1, 1, done)
  :: REGISTER_CALL(0, 1, done)
  fi;
done: skip
}

/* The updater, on a third admin instance: closes certificate 0's window, then opens it again (B -> A) or retries
   the close (Unchanged if the first landed, else a new announcement). */
proctype Admin2() {
  byte s, o, rv;
  UPDATE_CALL(0, 0, second);       /* closes the window (A -> B) */
second:
  s = 0; o = 0; rv = 0;
  if
  :: UPDATE_CALL(0, 0, done)
  :: UPDATE_CALL(0, 1, done)
  fi;
done: skip
}

/* One authorizer instance's watcher: reads the feed from its position, marks pending, resolves. */
proctype Watcher(byte i) {
  byte j, c;
  bool complete;
  do
  :: atomic {
       if
       :: skip ->                              /* the read succeeds */
            complete = (pos[i] >= 0);
            j = 0;
            do
            :: j < flen ->
                 if
                 :: j >= pos[i] && fdel[j] -> complete = 0
                 :: j >= pos[i] && !fdel[j] ->
                      c = fcert[j];
                      /* merge (AnnouncedState.Merge): a revocation outranks the rest, an update a registration,
                         the higher update version wins */
                      if
                      :: pend[IX(i, c)] == REV -> skip
                      :: fkind[j] == REV -> pend[IX(i, c)] = REV
                      :: fkind[j] == UPD && pend[IX(i, c)] == UPD ->
                           if :: fver[j] > pver[IX(i, c)] -> pver[IX(i, c)] = fver[j] :: else fi
                      :: fkind[j] == UPD && pend[IX(i, c)] != UPD -> pend[IX(i, c)] = UPD; pver[IX(i, c)] = fver[j]
                      :: fkind[j] == REG && pend[IX(i, c)] == 0 -> pend[IX(i, c)] = REG
                      :: else
                      fi;
                      cache[IX(i, c)] = 0; clean[IX(i, c)] = 0
                 :: else
                 fi;
                 j++
            :: else -> break
            od;
            if
            :: !complete ->
                 cache[IX(i, 0)] = 0; clean[IX(i, 0)] = 0;
                 cache[IX(i, 1)] = 0; clean[IX(i, 1)] = 0
            :: else
            fi;
            pos[i] = flen;
            pollAge[i] = 0                     /* fresh from the read itself, as the code stamps the read's start */
       :: skip -> goto failed                  /* outage, throttling, a paused process */
       fi;
       j = 0; c = 0; complete = 0
     };
     /* then one point read per pending certificate: resolved when storage shows the announced state */
     atomic {
       RESOLVE(i, 0);
       RESOLVE(i, 1)
     };
failed: skip
  od
}

/* One authorizer instance's requests: the Authorizer's look-up, with the decision checked against I3. */
proctype Requests(byte i) {
  byte c, v;
  bool w;
  do
  :: atomic {
#ifdef UPDATES
       c = 0;                                  /* certificate 1 is not used in the updater's run */
#else
       if :: c = 0 :: c = 1 fi;
#endif
       if
       :: FRESH(i) && pend[IX(i, c)] == 0 && cache[IX(i, c)] != 0 ->
            assert(!(cache[IX(i, c)] == 2 && everRevoked[c] && revAge[c] > BOUND));   /* I3 */
            assert(!(cache[IX(i, c)] == 2 && !USABLE(c) && closeAge[c] > BOUND))       /* I4 */
       :: else ->
            clean[IX(i, c)] = 1; v = st[c]; w = win[c];   /* storage is the truth: a decision on it is current */
            goto store
       fi
     };
     goto done;
store:
     atomic {
       if
       :: clean[IX(i, c)] && pend[IX(i, c)] == 0 -> cache[IX(i, c)] = (v == ACTIVE && w -> 2 : 1)
       :: else
       fi;
       clean[IX(i, c)] = 0                      /* only meaningful while a look-up is between read and store */
     };
done: skip;
     d_step { c = 0; v = 0; w = 0 }
  od
}

/* Retention: deletes feed entries whose change has landed. */
proctype Retention() {
  byte j;
  do
  :: atomic {
       j = 0;
       do
       :: j < flen && !fdel[j] && RESOLVED(fkind[j], fver[j], fcert[j]) -> fdel[j] = 1; break
       :: j < flen -> j++
       :: j >= flen -> break
       od;
       j = 0
     }
  od
}

active proctype Ticker() {
  do
  :: d_step {
       AGE(revAge[0]); AGE(revAge[1]); AGE(closeAge[0]); AGE(closeAge[1]);
       AGE(pollAge[0])
#if N > 1
       ; AGE(pollAge[1])
#endif
     }
  od
}

init {
  atomic {
    pos[0] = -1; pollAge[0] = OLD;
#if N > 1
    pos[1] = -1; pollAge[1] = OLD;
#endif
    revAge[0] = OLD; revAge[1] = OLD; closeAge[0] = OLD; closeAge[1] = OLD;
    /* certificate 0 was bound to client 0 long ago (its feed entry is gone), window open; nobody has cached it yet */
    st[0] = ACTIVE; owner[0] = 0; ownersEver[0] = 1; ver[0] = 1; win[0] = 1;
    run Admin0();
#ifdef UPDATES
    run Admin2();
#else
    run Admin1();
#endif
    run Watcher(0); run Requests(0);
#if N > 1
    run Watcher(1); run Requests(1);
#endif
    run Retention()
  }
}
