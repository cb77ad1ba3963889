// The results database schema as an ordered list of migrations. The database's PRAGMA user_version is the number
// of migrations applied; ResultsStore.Open applies the missing ones in one transaction.
// To change the schema, APPEND one SQL string to All (never edit one that has shipped): e.g. ablation tables.
namespace Dissection.Core.Storage;

internal static class Migrations
{
    public static readonly IReadOnlyList<string> All =
    [
        // 1: dissection runs and their layers, units, concept scores and top images.
        """
        CREATE TABLE runs (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            name              TEXT NOT NULL,
            model             TEXT NOT NULL,
            dataset           TEXT NOT NULL,
            layers            TEXT NOT NULL,              -- JSON array of layer names, in the order requested
            settings          TEXT NOT NULL,              -- DissectionSettings as JSON
            status            TEXT NOT NULL CHECK (status IN ('Queued','Running','Done','Failed','Cancelled')),
            message           TEXT,
            images            INTEGER NOT NULL DEFAULT 0,
            created_utc       TEXT NOT NULL,              -- ISO 8601, UTC
            started_utc       TEXT,
            finished_utc      TEXT,
            progress          REAL NOT NULL DEFAULT 0,
            phase             TEXT,
            phase_started_utc TEXT,                       -- when the current phase began, to time it
            images_per_second REAL NOT NULL DEFAULT 0,
            timings           TEXT NOT NULL DEFAULT '{}'  -- JSON object: phase -> seconds spent
        );
        CREATE INDEX runs_by_created ON runs (created_utc DESC, id DESC);
        CREATE INDEX runs_by_status ON runs (status);

        CREATE TABLE layers (
            id              INTEGER PRIMARY KEY,
            run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            name            TEXT NOT NULL,
            shape           TEXT NOT NULL,                -- JSON array: units, height, width
            images          INTEGER NOT NULL,
            elapsed_seconds REAL NOT NULL,
            UNIQUE (run_id, name)
        );

        CREATE TABLE units (
            id             INTEGER PRIMARY KEY,
            layer_id       INTEGER NOT NULL REFERENCES layers (id) ON DELETE CASCADE,
            run_id         INTEGER NOT NULL,              -- copied from the layer for run-wide concept queries
            unit           INTEGER NOT NULL CHECK (unit >= 0),
            threshold      REAL NOT NULL,
            label_concept  INTEGER,                       -- label_* are all NULL when the unit has no label
            label_name     TEXT,
            label_category TEXT,
            label_iou      REAL,
            hist_min       REAL NOT NULL,
            hist_max       REAL NOT NULL,
            hist_counts    BLOB NOT NULL CHECK (length(hist_counts) % 8 = 0),  -- int64 little-endian
            UNIQUE (layer_id, unit)
        );
        CREATE INDEX units_by_layer_iou ON units (layer_id, label_iou DESC);
        CREATE INDEX units_by_run_label ON units (run_id, label_name);

        -- kind 0 = top concepts (best first), kind 1 = best concept per category.
        CREATE TABLE unit_concepts (
            unit_id  INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
            kind     INTEGER NOT NULL CHECK (kind IN (0, 1)),
            rank     INTEGER NOT NULL,
            concept  INTEGER NOT NULL,
            name     TEXT NOT NULL,
            category TEXT NOT NULL,
            iou      REAL NOT NULL,
            PRIMARY KEY (unit_id, kind, rank)
        ) WITHOUT ROWID;

        -- The map is the last column so that summary queries never touch its overflow pages.
        CREATE TABLE unit_top_images (
            unit_id     INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
            rank        INTEGER NOT NULL,
            image_index INTEGER NOT NULL,
            path        TEXT NOT NULL,
            activation  REAL NOT NULL,
            map_h       INTEGER NOT NULL CHECK (map_h >= 0),
            map_w       INTEGER NOT NULL CHECK (map_w >= 0),
            map         BLOB NOT NULL CHECK (length(map) = 4 * map_h * map_w),  -- float32 little-endian, row-major
            PRIMARY KEY (unit_id, rank)
        );
        """,

        // 2: ablation results of a layer (dissected or not): baseline, single-unit ablations, important units per
        // class and group curves. Per-class values are float64 little-endian BLOBs indexed by model class. REAL
        // columns that may be NaN (no images) are nullable: SQLite stores NaN as NULL.
        """
        CREATE TABLE ablations (
            id                  INTEGER PRIMARY KEY,
            run_id              INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            layer               TEXT NOT NULL,
            labelled            INTEGER NOT NULL CHECK (labelled IN (0, 1)),
            split               TEXT NOT NULL,
            images              INTEGER NOT NULL CHECK (images >= 0),
            method              TEXT NOT NULL,
            note                TEXT NOT NULL,
            classes             TEXT NOT NULL,           -- JSON array of class names, by model output
            baseline_accuracy   BLOB NOT NULL CHECK (length(baseline_accuracy) % 8 = 0),
            baseline_balanced   BLOB NOT NULL CHECK (length(baseline_balanced) = length(baseline_accuracy)),
            baseline_overall    REAL,
            baseline_confidence REAL,
            baseline_probability BLOB,                   -- per class: mean probability on its own images
            created_utc         TEXT NOT NULL,
            UNIQUE (run_id, layer)
        );

        CREATE TABLE ablation_units (
            ablation_id INTEGER NOT NULL REFERENCES ablations (id) ON DELETE CASCADE,
            unit        INTEGER NOT NULL CHECK (unit >= 0),
            accuracy    BLOB NOT NULL CHECK (length(accuracy) % 8 = 0),
            balanced    BLOB NOT NULL CHECK (length(balanced) = length(accuracy)),
            overall     REAL,
            confidence  REAL,
            mean_drop   REAL,                            -- mean balanced-accuracy drop over classes with images
            probability BLOB,                            -- per class: mean probability on its own images
            PRIMARY KEY (ablation_id, unit)
        ) WITHOUT ROWID;

        -- A class's important units, most damaging first; drop = baseline minus ablated balanced accuracy.
        CREATE TABLE ablation_important (
            ablation_id INTEGER NOT NULL REFERENCES ablations (id) ON DELETE CASCADE,
            class       INTEGER NOT NULL CHECK (class >= 0),
            rank        INTEGER NOT NULL CHECK (rank >= 0),
            unit        INTEGER NOT NULL,
            drop_ba     REAL NOT NULL,
            drop_probability REAL,                       -- the tie-breaker: drop of the class's mean probability
            PRIMARY KEY (ablation_id, class, rank)
        ) WITHOUT ROWID;
        CREATE INDEX ablation_important_by_unit ON ablation_important (ablation_id, unit);

        CREATE TABLE ablation_curves (
            ablation_id INTEGER NOT NULL REFERENCES ablations (id) ON DELETE CASCADE,
            class       INTEGER NOT NULL CHECK (class >= 0),
            n           INTEGER NOT NULL CHECK (n >= 1),
            remove_top  REAL,                            -- class BA with its top n units removed
            keep_top    REAL,                            -- class BA with every unit but its top n removed
            PRIMARY KEY (ablation_id, class, n)
        ) WITHOUT ROWID;
        """,
        // 3: adversarial attack experiments (network-dissection.md §4): one row per (run, layer, target, budget)
        // experiment, and per unit group the mean |Δ peak| and mean Δ peak with 99 % intervals (NULL = undefined).
        """
        CREATE TABLE attack_experiments (
            id                      INTEGER PRIMARY KEY,
            run_id                  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            layer                   TEXT NOT NULL,
            target                  INTEGER NOT NULL CHECK (target >= 0),
            target_name             TEXT NOT NULL,
            norm                    TEXT NOT NULL CHECK (norm IN ('linf', 'l2')),
            epsilon                 REAL NOT NULL CHECK (epsilon >= 0),
            step_size               REAL NOT NULL CHECK (step_size >= 0),
            steps                   INTEGER NOT NULL CHECK (steps >= 0),
            random_start            INTEGER NOT NULL CHECK (random_start IN (0, 1)),
            early_stop              INTEGER NOT NULL CHECK (early_stop IN (0, 1)),
            seed                    INTEGER NOT NULL,
            requested               INTEGER NOT NULL CHECK (requested >= 0),
            attempted               INTEGER NOT NULL CHECK (attempted >= 0),
            succeeded               INTEGER NOT NULL CHECK (succeeded BETWEEN 0 AND attempted),
            mean_steps              REAL,
            mean_target_probability REAL,
            mean_linf               REAL,
            mean_l2                 REAL,
            target_units            TEXT NOT NULL,    -- JSON array of unit numbers, most important first
            note                    TEXT NOT NULL DEFAULT '',
            created_utc             TEXT NOT NULL
        );
        CREATE INDEX attack_experiments_by_run_layer ON attack_experiments (run_id, layer, id);

        CREATE TABLE attack_groups (
            experiment_id INTEGER NOT NULL REFERENCES attack_experiments (id) ON DELETE CASCADE,
            grp           TEXT NOT NULL CHECK (grp IN ('target', 'source', 'other')),
            count         INTEGER NOT NULL CHECK (count >= 0),
            abs_mean      REAL, abs_low REAL, abs_high REAL, abs_se REAL,
            delta_mean    REAL, delta_low REAL, delta_high REAL, delta_se REAL,
            PRIMARY KEY (experiment_id, grp)
        ) WITHOUT ROWID;
        """,
        // 4: GAN dissection (network-dissection.md §5): what a generator run dissected, every unit's IoU with every
        // concept (the playground and the causal experiments rank a concept's units by it, beyond each unit's top 5),
        // and the two causal experiments: the object-removal curve and the context dependence of insertion.
        """
        CREATE TABLE gan_runs (
            run_id      INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
            generator   TEXT NOT NULL,
            segmenter   TEXT NOT NULL,
            z_seed      INTEGER NOT NULL,
            z_count     INTEGER NOT NULL CHECK (z_count >= 0),
            z_dim       INTEGER NOT NULL CHECK (z_dim > 0),
            resolution  INTEGER NOT NULL CHECK (resolution > 0),
            seg_size    INTEGER NOT NULL CHECK (seg_size > 0),
            folder      TEXT NOT NULL
        );
        CREATE INDEX gan_runs_by_generator ON gan_runs (generator);

        CREATE TABLE unit_concept_ious (
            run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            layer    TEXT NOT NULL,
            concept  INTEGER NOT NULL,
            name     TEXT NOT NULL,
            category TEXT NOT NULL,
            unit     INTEGER NOT NULL CHECK (unit >= 0),
            iou      REAL NOT NULL,
            PRIMARY KEY (run_id, layer, concept, unit)
        ) WITHOUT ROWID;
        CREATE INDEX unit_concept_ious_by_name ON unit_concept_ious (run_id, layer, name, iou DESC);

        CREATE TABLE gan_removals (
            id           INTEGER PRIMARY KEY,
            run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            layer        TEXT NOT NULL,
            concept      INTEGER NOT NULL,
            concept_name TEXT NOT NULL,
            units        TEXT NOT NULL,               -- JSON array: the concept's units by IoU, best first
            samples      INTEGER NOT NULL CHECK (samples >= 0),
            z_seed       INTEGER NOT NULL,
            created_utc  TEXT NOT NULL
        );
        CREATE INDEX gan_removals_by_run ON gan_removals (run_id, layer, id);

        CREATE TABLE gan_removal_points (
            removal_id    INTEGER NOT NULL REFERENCES gan_removals (id) ON DELETE CASCADE,
            k             INTEGER NOT NULL CHECK (k >= 0),
            mean_fraction REAL,
            remaining     REAL,
            low           REAL,
            high          REAL,
            PRIMARY KEY (removal_id, k)
        ) WITHOUT ROWID;

        CREATE TABLE gan_contexts (
            id                INTEGER PRIMARY KEY,
            run_id            INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            layer             TEXT NOT NULL,
            concept           INTEGER NOT NULL,
            concept_name      TEXT NOT NULL,
            units             TEXT NOT NULL,          -- JSON array of the units switched on
            levels            TEXT NOT NULL,          -- JSON array: the value each unit was set to
            samples           INTEGER NOT NULL CHECK (samples >= 0),
            z_seed            INTEGER NOT NULL,
            baseline_fraction REAL,
            created_utc       TEXT NOT NULL
        );
        CREATE INDEX gan_contexts_by_run ON gan_contexts (run_id, layer, id);

        CREATE TABLE gan_context_rows (
            context_id   INTEGER NOT NULL REFERENCES gan_contexts (id) ON DELETE CASCADE,
            context      INTEGER NOT NULL,
            context_name TEXT NOT NULL,
            cells        INTEGER NOT NULL CHECK (cells >= 0),
            mean_added   REAL,
            low          REAL,
            high         REAL,
            PRIMARY KEY (context_id, context)
        ) WITHOUT ROWID;
        """,
        // 5 (executor): every long job (dissections, ablations, GAN experiments, attacks, labelling) with its state,
        // progress, and the process that runs it (host, pid, process start) with a heartbeat, so any process tells a
        // live job from a dead one; an interrupted job is resumed from here.
        """
        CREATE TABLE jobs (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            kind              TEXT NOT NULL,              -- JobKind by name
            title             TEXT NOT NULL,
            parameters        TEXT NOT NULL,              -- the kind's parameter record as JSON
            requested_by      TEXT,                       -- opaque: a dashboard circuit, "cli"
            run_id            INTEGER REFERENCES runs (id) ON DELETE SET NULL,
            state             TEXT NOT NULL CHECK (state IN ('Queued','Running','Done','Failed','Cancelled','Interrupted')),
            phase             TEXT,
            done              INTEGER NOT NULL DEFAULT 0,
            total             INTEGER NOT NULL DEFAULT 0,
            eta_seconds       REAL,
            message           TEXT,
            created_utc       TEXT NOT NULL,
            started_utc       TEXT,
            finished_utc      TEXT,
            owner_host        TEXT,
            owner_pid         INTEGER,
            owner_started_utc TEXT,
            heartbeat_utc     TEXT,
            attempts          INTEGER NOT NULL DEFAULT 0,
            cancel_requested  INTEGER NOT NULL DEFAULT 0,
            resume_on_start   INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX jobs_by_state ON jobs (state, id);
        CREATE INDEX jobs_by_run ON jobs (run_id, id);
        """,

        // 6 (short links): a view whose state makes its URL too long to share (GAN paint with many strokes) is stored
        // under a short id, /s/{id}. The id is derived from the target, so one view always gets the same id.
        """
        CREATE TABLE short_links (
            id          TEXT PRIMARY KEY,
            target      TEXT NOT NULL UNIQUE,         -- the view's path and query, as the dashboard links it
            created_utc TEXT NOT NULL
        ) WITHOUT ROWID;
        """,

        // 7 (shared mode): dashboard accounts with a role and a PasswordHasher hash; who owns a run and whether it is
        // published read-only to anyone with its link; saved uploads per owner, for the upload quota.
        """
        CREATE TABLE users (
            name          TEXT PRIMARY KEY COLLATE NOCASE,
            role          TEXT NOT NULL CHECK (role IN ('viewer','editor','admin')),
            password_hash TEXT NOT NULL,
            created_utc   TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE run_sharing (
            run_id    INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
            owner     TEXT,                               -- a user name; NULL for runs made by the CLI or the demo
            published INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1))
        );
        CREATE TABLE uploads (
            id          TEXT PRIMARY KEY,                 -- the saved upload's id (its content hash)
            owner       TEXT NOT NULL,
            bytes       INTEGER NOT NULL CHECK (bytes >= 0),
            created_utc TEXT NOT NULL
        ) WITHOUT ROWID;
        """,

        // 8 (executor): a run whose job was interrupted (the process stopped) is Interrupted, not Failed: it resumes on
        // the next start. SQLite cannot alter a CHECK constraint, and rebuilding `runs` would cascade-delete every
        // child row (foreign keys are on and cannot be turned off inside the migration's transaction). So the CHECK
        // is widened in place, the procedure SQLite documents for schema changes that leave every stored row valid
        // (sqlite.org/lang_altertable.html, "other kinds of table schema changes"). RESET makes this connection re-read
        // the schema; creating and dropping a table bumps the schema cookie, so every other connection re-reads it too.
        """
        PRAGMA writable_schema = ON;
        UPDATE sqlite_schema
           SET sql = replace(sql, '''Done'',''Failed'',''Cancelled''))', '''Done'',''Failed'',''Cancelled'',''Interrupted''))')
         WHERE type = 'table' AND name = 'runs';
        PRAGMA writable_schema = RESET;
        CREATE TABLE schema_cookie_bump (x INTEGER);
        DROP TABLE schema_cookie_bump;
        """,

        // 9 (deleting): a saved upload is held per owner, with the name it was uploaded under, so two users who save the
        // same picture (one file, named by its content hash) each see, count and delete their own; the file goes with
        // its last holder. Runs deleted by a user are remembered by name, so the first start does not make again a
        // demo run its user deleted.
        """
        CREATE TABLE uploads_held (
            id          TEXT NOT NULL,                    -- the saved upload's id (its content hash)
            owner       TEXT NOT NULL,
            name        TEXT NOT NULL DEFAULT '',         -- the file name it was uploaded under
            bytes       INTEGER NOT NULL CHECK (bytes >= 0),
            created_utc TEXT NOT NULL,
            PRIMARY KEY (id, owner)
        ) WITHOUT ROWID;
        INSERT INTO uploads_held (id, owner, bytes, created_utc) SELECT id, owner, bytes, created_utc FROM uploads;
        DROP TABLE uploads;
        ALTER TABLE uploads_held RENAME TO uploads;
        CREATE INDEX uploads_by_owner ON uploads (owner, created_utc);

        CREATE TABLE deleted_runs (
            run_id      INTEGER PRIMARY KEY,
            name        TEXT NOT NULL,
            deleted_by  TEXT NOT NULL,
            deleted_utc TEXT NOT NULL
        );
        CREATE INDEX deleted_runs_by_name ON deleted_runs (name);
        """,

        // 10 (label reliability): per labelled unit, its label's IoU on halves A and B of the images, each half's best concept,
        // whether the label is best on both (stable), the IoU of a random region of the unit's size, and the lift over it.
        // Units stored before this step have no row: the dashboard shows them as not measured.
        """
        CREATE TABLE unit_reliability (
            unit_id    INTEGER PRIMARY KEY REFERENCES units (id) ON DELETE CASCADE,
            a_iou   REAL NOT NULL,
            b_iou    REAL NOT NULL,
            a_best  TEXT,                                  -- NULL when no concept overlaps the unit on that half
            b_best   TEXT,
            stable     INTEGER NOT NULL CHECK (stable IN (0, 1)),
            chance_iou REAL NOT NULL,
            lift       REAL NOT NULL
        );
        """,
    ];

    /// <summary>The schema version this code writes: the number of migrations.</summary>
    public static int Current => All.Count;
}
