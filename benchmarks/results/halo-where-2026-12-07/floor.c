/* One process, halo2d's four copies of an exchange (pack columns 1 and 6, unpack into 7 and 0) in
 * turns of TURN rows: the copy work of a rank with no ring and no peer. Best of 15.
 *   floor ROWS TURN     Build: gcc -O2 floor.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e6+t.tv_nsec/1e3;}
int main(int argc,char**argv){
  long rows=atol(argv[1]); long turn=atol(argv[2]);
  double*f=aligned_alloc(64,rows*64); for(long i=0;i<rows*8;i++)f[i]=i;
  double*a=aligned_alloc(64,turn*8),*b=aligned_alloc(64,turn*8),*c=aligned_alloc(64,turn*8),*d=aligned_alloc(64,turn*8);
  double best=1e30;
  for(int t=0;t<15;t++){double t0=now();
    for(long r=0;r<rows;r+=turn){long n=rows-r<turn?rows-r:turn; double*p=f+r*8;
      for(long i=0;i<n;i++)a[i]=p[i*8+1];
      for(long i=0;i<n;i++)b[i]=p[i*8+6];
      for(long i=0;i<n;i++)p[i*8+7]=c[i];
      for(long i=0;i<n;i++)p[i*8+0]=d[i];}
    double dt=now()-t0; if(dt<best)best=dt;}
  printf("rows %ld turn %ld: %.1f us (%.2f ns/elem-copy)\n",rows,turn,best,best*1e3/(4*rows));
  return (int)a[0]&0;}
