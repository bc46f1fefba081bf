"""What an import folder may hold: folders and regular files, nothing else, anywhere in it.

A symbolic link would let an import read (and store as a figure's image, or as a page) a file
from outside the folder the operator named; a FIFO or a device would hang the import on its
first read. Restoring a backup refuses such archive members in the same way (operations/archive.py).
"""

import os
import stat
from pathlib import Path


def unusual_entries(root):
    """Every entry under `root` that is not a plain folder or regular file, as sorted
    `(relative name, what it is)` pairs. Links are reported, never followed."""
    found = []
    for folder, folders, files in os.walk(root, followlinks=False):
        for name in folders + files:
            path = Path(folder, name)
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                what = "a symbolic link"
            elif stat.S_ISDIR(mode) or stat.S_ISREG(mode):
                continue
            else:
                what = "not a regular file"
            found.append((path.relative_to(root).as_posix(), what))
    return sorted(found)


def folder_problems(root):
    return [
        f"{name}: {what}; imports take only regular files and folders (copy the file in instead)"
        for name, what in unusual_entries(root)
    ]
