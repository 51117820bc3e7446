"""The read models behind the commands that only look: one tenant as `tenant show` prints it (``tenant``), the
cells as `platform outputs` prints them (``cells``), and `saasctl plan`'s rows (``plan``). Pure where they can
be: what is known in, rows and documents out."""
