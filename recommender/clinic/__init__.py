"""The clinic: what `backplan serve --clinic` adds to the tracking store so that a
practice can run backplan (docs/clinic.md).

One module per concern, each with its own SQL over the tables of store/schema.py:

- db.py: the database the clinic runs on (the tracking store's), and its transactions;
- tokens.py: random session ids and invite codes, kept only as their hashes;
- passwords.py: Argon2id, a few hashes at a time;
- accounts.py: accounts and roles, set-up links and patient invites, who cares for whom;
- sessions.py: server-side sessions, ended on sign-out and after an idle spell;
- limits.py: sign-in attempts counted per account and per address;
- signin.py: signing in, with the limits, the hash and the audit together;
- audit.py: the append-only log of every view and change;
- queue.py: the answers a patient saves as they go, the results sent for review, and
  the queue, most serious first;
- edits.py: a clinician's changes to a plan, held to the safety filters;
- review.py: releasing, withholding, the clinician's own triage, the agreement table;
- alerts.py: what a clinician should look at in a patient's progress;
- records.py: everything stored about a patient, and deleting it.

Nothing here knows about the web: the routes in app/web/routes/clinic_*.py are thin
over it, and `backplan clinic` (app/clinic_cli.py) uses it from the command line.
"""
