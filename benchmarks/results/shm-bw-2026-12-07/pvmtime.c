/* LD_PRELOAD: times every process_vm_readv (duration and gap since the previous call ended),
 * prints percentiles at exit for the process that made >= 100 calls. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#define N 200000
static double dur[N], gap[N]; static size_t lens[N]; static int n; static double last_end;
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e9+t.tv_nsec;}
ssize_t process_vm_readv(pid_t pid,const struct iovec*l,unsigned long lc,const struct iovec*r,unsigned long rc,unsigned long f){
  double a=now(); ssize_t x=syscall(SYS_process_vm_readv,pid,l,lc,r,rc,f); double b=now();
  if(n<N){dur[n]=b-a;gap[n]=last_end?a-last_end:0;lens[n]=x;n++;} last_end=b; return x;}
static int cmp(const void*a,const void*b){double x=*(const double*)a,y=*(const double*)b;return x<y?-1:x>y;}
__attribute__((destructor)) static void fin(void){
  if(n<100)return; size_t big=0; for(int i=0;i<n;++i) if(lens[i]>big) big=lens[i];
  /* only calls of the largest size */
  int m=0; for(int i=0;i<n;++i) if(lens[i]==big){dur[m]=dur[i];gap[m]=gap[i];m++;}
  double tot=0; for(int i=0;i<m;++i) tot+=dur[i];
  qsort(dur,m,sizeof(double),cmp); qsort(gap,m,sizeof(double),cmp);
  fprintf(stderr,"pvm pid %d: %d calls of %zu B: dur ns p10 %.0f p50 %.0f p90 %.0f mean %.0f (%.1f GB/s at p50); gap ns p10 %.0f p50 %.0f p90 %.0f\n",
    getpid(),m,big,dur[m/10],dur[m/2],dur[m*9/10],tot/m,big/dur[m/2],gap[m/10],gap[m/2],gap[m*9/10]);}
