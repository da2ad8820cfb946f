long checksum(const int *a, int n, int rounds);
