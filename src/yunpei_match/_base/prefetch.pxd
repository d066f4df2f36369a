# C helpers that kernels of several extensions call under nogil, declared once: an extension
# cimports them from here instead of repeating the declaration (or including a shared .pxi,
# which would compile a second copy of everything in it).

cdef extern from *:
    void __builtin_prefetch(const void* address) nogil
