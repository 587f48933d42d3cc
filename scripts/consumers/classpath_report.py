"""Reports a consumer's runtime classpath (scripts/check_consumers.sh): jars, megabytes, and what must
not be there. Exits 1 when a class is in two jars or a Helidon jar is on it.

    classpath_report.py NAME CLASSPATH_FILE
"""
import collections
import os
import sys
import zipfile


def main(name, classpath_file):
    # The capability artifacts are POMs; build-classpath lists their .pom files too.
    jars = [p for p in open(classpath_file).read().strip().split(os.pathsep) if p.endswith(".jar")]
    size = sum(os.path.getsize(p) for p in jars)
    owners = collections.defaultdict(list)
    for jar in jars:
        with zipfile.ZipFile(jar) as z:
            for entry in z.namelist():
                # Multi-release and module descriptors legitimately repeat across jars.
                if entry.endswith(".class") and not entry.startswith("META-INF/") and entry != "module-info.class":
                    owners[entry].append(os.path.basename(jar))
    duplicates = {c: o for c, o in owners.items() if len(o) > 1}
    helidon = [j for j in jars if "/io/helidon/" in j]
    print(f"consumer {name}: {len(jars)} jars, {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB) on the runtime classpath")
    for jar in sorted(jars, key=os.path.getsize, reverse=True)[:5]:
        print(f"    {os.path.getsize(jar) / 1e6:6.1f} MB  {os.path.basename(jar)}")
    failed = False
    if duplicates:
        pairs = collections.Counter(tuple(sorted(set(o))) for o in duplicates.values())
        for jars_with, count in pairs.most_common():
            print(f"consumer {name}: {count} classes in each of {', '.join(jars_with)}", file=sys.stderr)
        failed = True
    if helidon:
        print(f"consumer {name}: Helidon on a library user's classpath: {', '.join(helidon)}", file=sys.stderr)
        failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(*sys.argv[1:])
