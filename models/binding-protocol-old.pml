/*
 * TppGate binding protocol BEFORE issue 13 (kept beside binding-protocol-fixed.pml, which it differs from only
 * where the code differed). Spin finds the defects:
 *   spin -a binding-protocol-old.pml && gcc -O2 -DSAFETY -o pan pan.c && ./pan       (every fault)
 *   spin -DNO_GAPS -a ...      (every instance reads the feed every round: the lost commit row alone)
 *   spin -DNO_LOST_COMMIT -a ... (every call that wrote the certificate writes its commit row: gaps alone)
 *
 * Today's protocol, as modelled: change rows are stamped with the writer's clock (an age here); a call writes
 * an "intent" row, the certificate, then index/audit, then a "commit" row, and stops without the commit row
 * when anything after the certificate write fails (lost response turned into 412/409, audit 503, deadline,
 * crash); a retried revocation that finds the certificate revoked returns AlreadyRevoked and writes nothing;
 * a watcher reads the rows of the last LB rounds (the 30 s look-back), acts on each row once, and marks the
 * cache fresh on any successful read; a look-up stores what it read even before the first feed read.
 *
 * Counterexample trails (spin -t -p; spin 6.5.2, depth-first, first error), summarised:
 *  1. Default (all faults), I3 violated at depth 487 (item 1, slow commit): instance 1's watcher acts on the
 *     revocation's intent row; its request then reads certificate 0 from storage: ACTIVE; the certificate
 *     write lands (REVOKED) but the call has not written its commit row (index and audit are slow, then it
 *     stops); the request stores ACTIVE (nothing invalidated certificate 0 since its read); later feed reads
 *     act only on other rows, stay fresh, and the cached ACTIVE is an allow more than BOUND rounds after the
 *     revocation committed.
 *  2. -DNO_GAPS (every instance reads the feed every round): instance 1's watcher reads the revocation's
 *     intent row and invalidates; its request reads storage (still ACTIVE); the certificate write lands; the
 *     request stores ACTIVE (nothing invalidated since its read); the call stops before its commit row (audit
 *     503 / lost response / deadline), and a retry returns AlreadyRevoked writing nothing. Every later read
 *     is fresh and empty: the cached allow outlives the revocation, I3 violated at depth 420 (item 1).
 *  3. -DNO_LOST_COMMIT (certificate write and commit row together), I3 violated at depth 461 (item 2, gap):
 *     instance 0's request reads ACTIVE; the revocation writes intent, certificate and commit rows; the request
 *     stores ACTIVE (no feed read in between); instance 0's next successful feed read comes after both rows
 *     are older than LB (failed, throttled or paused polls), sees an empty window, marks the cache fresh, and
 *     the cached ACTIVE is an allow. Start-up is the same trail with the look-up before the first read.
 * binding-protocol-fixed.pml passes with all of these faults enabled.
 * I1 and I2 hold in today's protocol too: insert-if-absent and replace-under-ETag already guarantee them.
 */

#define C 2
#ifndef N
#define N 2              /* authorizer instances */
#endif
#define L 6              /* three calls, an intent and a commit row each */
#define LB 2             /* the look-back, in rounds */
#define BOUND 1
#define OLD (LB + 1)     /* ages saturate past every bound */

#define ABSENT 0
#define ACTIVE 1
#define REVOKED 2
#define REG 1
#define REV 2

/* storage */
byte st[C];
byte owner[C];
byte revAge[C];       /* rounds since the revocation committed */
bool everRevoked[C];
byte ownersEver[C];   /* bit k: client k was ever the owner (I1) */

/* the change log: row j, stamped with its writer's clock (its age in rounds) */
byte fcert[L];
byte fage[L];
byte flen = 0;


/* instances: cache 0 = not cached, 1 = a deny (absent or revoked), 2 = an allow for its owner (ACTIVE + 1) */
byte cache[N * C];
bool clean[N * C];     /* false once the certificate was invalidated after a read started (the epoch) */
bool seen[N * L];      /* rows already acted on (the watcher's _seen set) */
bool polled[N];        /* with NO_GAPS: read the feed successfully since the last tick */
byte pollAge[N];       /* rounds since the last successful feed read */

#define IX(i, c) ((i) * C + (c))
#define FRESH(i) (pollAge[i] <= BOUND)
#define AGE(x) if :: x < OLD -> x++ :: else fi

inline appendRow(c) {
  atomic {
    assert(flen < L);
    fcert[flen] = c; fage[flen] = 0; flen++
  }
}

#ifdef NO_LOST_COMMIT
/* the commit row follows the certificate write at once and always: only gaps remain */
#define WRITE_AND_COMMIT(write, c, out) atomic { write; appendRow(c) }
#else
#define WRITE_AND_COMMIT(write, c, out) \
  write; \
  if :: skip :: goto out fi;        /* audit 503, lost response, deadline, crash: no commit row */ \
  appendRow(c)                      /* the commit row, after index and audit (which may be slow) */
#endif

inline insertCert(c, k) {
  atomic {
    if
    :: st[c] == ABSENT ->
         assert(!everRevoked[c]);              /* I2: only an absent certificate becomes active */
         st[c] = ACTIVE; owner[c] = k;
         ownersEver[c] = ownersEver[c] | (1 << k);
         assert(ownersEver[c] != 3)            /* I1 */
    :: else -> skip                           /* 409 */
    fi
  }
}

/* Replace under the ETag read before: only a revocation ever changes an active entity, so "the ETag still
   matches" is "still active" here. */
inline replaceRevoked(c) {
  atomic {
    if
    :: st[c] == ACTIVE ->
         st[c] = REVOKED; revAge[c] = 0; everRevoked[c] = 1
    :: else -> skip                           /* 412 */
    fi
  }
}

/* One admin call (a C preprocessor macro so that each use can name where a stopped call goes on). */
#define REGISTER_CALL(c, k, out) \
  atomic { s = st[c] }; \
  if \
  :: s != ABSENT -> skip            /* AlreadyBound / BoundElsewhere / Blocked: no state change */ \
  :: else -> \
       if :: skip :: goto out fi;    /* crash before the intent */ \
       appendRow(c);                /* intent */ \
       if \
       :: WRITE_AND_COMMIT(insertCert(c, k), c, out) \
       :: goto out                  /* crashed before sending it */ \
       fi \
  fi

#define REVOKE_CALL(c, k, out) \
  atomic { s = st[c]; o = owner[c] }; \
  if \
  :: s != ACTIVE || o != k -> skip  /* NotFound / AlreadyRevoked: returns, writes nothing */ \
  :: else -> \
       if :: skip :: goto out fi; \
       appendRow(c); \
       if \
       :: WRITE_AND_COMMIT(replaceRevoked(c), c, out) \
       :: goto out \
       fi \
  fi

/* Client 0's admin: revokes certificate 0 (bound to client 0 from the start), then either retries that call
   whatever happened (a retry after a lost response or a 503 is a new call) or races client 1 for certificate 1. */
proctype Admin0() {
  byte s, o;
  REVOKE_CALL(0, 0, second);
second:
  s = 0; o = 0;
  if
  :: REVOKE_CALL(0, 0, done)
  :: REGISTER_CALL(1, 0, done)
  fi;
done: skip
}

/* Client 1's admin, on another admin instance: registers certificate 1, or tries to take certificate 0. */
proctype Admin1() {
  byte s, o;
  if
  :: REGISTER_CALL(1, 1, done)
  :: REGISTER_CALL(0, 1, done)
  fi;
done: skip
}

/* One authorizer instance's watcher: reads the rows of the look-back window, acts on each once. */
proctype Watcher(byte i) {
  byte j;
  do
  :: atomic {
       if
       :: skip ->                              /* the read succeeds: rows of the last LB rounds */
            j = 0;
            do
            :: j < flen ->
                 if
                 :: fage[j] <= LB && !seen[i * L + j] ->
                      seen[i * L + j] = 1;
                      cache[IX(i, fcert[j])] = 0; clean[IX(i, fcert[j])] = 0
                 :: else
                 fi;
                 j++
            :: else -> break
            od;
            pollAge[i] = 0;                    /* MarkFeedRead(startedAt) */
            polled[i] = 1
#ifndef NO_GAPS
       :: pollAge[i] > 0 -> skip              /* outage, throttling, a paused process (changes nothing) */
#endif
       fi;
       j = 0
     }
  od
}

/* One authorizer instance's requests: the Authorizer's look-up, with the decision checked against I3. */
proctype Requests(byte i) {
  byte c, v;
  do
  :: atomic {
       if :: c = 0 :: c = 1 fi;
       if
       :: FRESH(i) && cache[IX(i, c)] != 0 ->
            assert(!(cache[IX(i, c)] == 2 && everRevoked[c] && revAge[c] > BOUND))   /* I3 */
       :: else ->
            clean[IX(i, c)] = 1; v = st[c];    /* storage is the truth: a decision on it is current */
            goto store
       fi
     };
     goto done;
store:
     atomic {
       if
       :: clean[IX(i, c)] -> cache[IX(i, c)] = (v == ACTIVE -> 2 : 1)   /* stored even when not fresh */
       :: else
       fi;
       clean[IX(i, c)] = 0                      /* only meaningful while a look-up is between read and store */
     };
done: skip;
     d_step { c = 0; v = 0 }
  od
}

active proctype Ticker() {
  do
  :: d_step {
#ifdef NO_GAPS
       /* no gaps: every instance reads the feed successfully at least once a round */
       polled[0] && (N == 1 || polled[N - 1]) -> polled[0] = 0; polled[N - 1] = 0;
#endif
       AGE(revAge[0]); AGE(revAge[1]);
       AGE(fage[0]); AGE(fage[1]); AGE(fage[2]); AGE(fage[3]); AGE(fage[4]); AGE(fage[5]);
       AGE(pollAge[0])
#if N > 1
       ; AGE(pollAge[1])
#endif
     }
  od
}

init {
  atomic {
    pollAge[0] = OLD;
#if N > 1
    pollAge[1] = OLD;
#endif
    revAge[0] = OLD; revAge[1] = OLD;
    /* certificate 0 was bound to client 0 long ago (its feed entry is gone); nobody has cached it yet */
    st[0] = ACTIVE; owner[0] = 0; ownersEver[0] = 1;
    run Admin0(); run Admin1();
    run Watcher(0); run Requests(0);
#if N > 1
    run Watcher(1); run Requests(1);
#endif
  }
}
