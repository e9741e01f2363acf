/* A two-process model of zmpi's shm stream of halo2d's columns (README.md here), no MPI: each
 * process owns a rows x 8 field of doubles, packs columns 1 and 6 in chunks of CHUNK rows into
 * frames of a 64-slot ring to the other process (slots SLOT bytes apart, as zmpi's 16512), and
 * unpacks the other's frames into columns 7 and 0, one frame per stream per pass as zmpi's
 * interleaved streams do. One exchange per sample after a spin barrier; prints best, p10, p50.
 *   ringsim ROWS CHUNK MODE SAMPLES   MODE 0 plain, 1 + read prefetch of the next frame,
 *   2 + write prefetch of the slot, 4 combined frames (SUBS row ranges of both columns per frame)
 * Build: gcc -O2 [-DSLOT=4160] [-DSUBS=1] ringsim.c. Processes pinned to CPUs 0 and 1. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e6+t.tv_nsec/1e3;}
#ifndef SUBS
#define SUBS 2
#endif
#ifndef SLOT
#define SLOT 16512
#endif
enum{SLOTS=64,HDR=64};
typedef struct{_Alignas(64) atomic_ulong head; _Alignas(64) atomic_ulong tail; _Alignas(64) char slots[SLOTS][SLOT];}Ring;
typedef struct{_Alignas(64) atomic_ulong bar[2]; Ring r[2];}Shm;
static int cmpd(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
int main(int argc,char**argv){
  long rows=atol(argv[1]); long chunk=atol(argv[2]); int pf=atoi(argv[3]); int iters=atoi(argv[4]);
  Shm*s=mmap(0,sizeof(Shm),PROT_READ|PROT_WRITE,MAP_SHARED|MAP_ANONYMOUS,-1,0); memset(s,0,sizeof(Shm));
  int me=fork()==0?1:0;
  cpu_set_t cs; CPU_ZERO(&cs); CPU_SET(me,&cs); sched_setaffinity(0,sizeof cs,&cs);
  double*f=aligned_alloc(4096,rows*64); for(long i=0;i<rows*8;i++)f[i]=i+me;
  Ring*out=&s->r[me],*in=&s->r[1-me]; long nch=(rows+chunk-1)/chunk; double*t=malloc(sizeof(double)*iters);
  unsigned long sent=0,got=0;
  for(int it=-10;it<iters;it++){
    atomic_fetch_add(&s->bar[me],1); while(atomic_load(&s->bar[1-me])<atomic_load(&s->bar[me]));
    double t0=now(); long kk[2]={0,0}; long recvd=0; int st=0;
    while(recvd<2*nch||kk[0]<nch||kk[1]<nch){
      if(pf&4){ /* combined: one frame carries both streams' next chunks, SUBS row ranges */
        if(kk[0]<nch && sent-atomic_load_explicit(&out->tail,memory_order_acquire)<SLOTS){
          char*sl=out->slots[sent%SLOTS]; double*p=(double*)(sl+HDR); long cnt=0;
          for(int q=0;q<SUBS && kk[0]<nch;q++){ long r0=kk[0]*chunk,n=rows-r0<chunk?rows-r0:chunk;
            for(st=0;st<2;st++){const double*src=f+r0*8+(st?6:1); for(long i=0;i<n;i++)p[i]=src[i*8]; p+=n;}
            kk[0]++; kk[1]++; cnt++;}
          ((long*)sl)[1]=-1; ((long*)sl)[2]=(kk[0]-cnt)*chunk; ((long*)sl)[3]=cnt;
          sent++; atomic_store_explicit(&out->head,sent,memory_order_release);
        }
      } else
      for(st=0;st<2;st++){ /* one frame per stream per pass */
        if(kk[st]>=nch) continue;
        if(sent-atomic_load_explicit(&out->tail,memory_order_acquire)>=SLOTS) break;
        char*sl=out->slots[sent%SLOTS]; long r0=kk[st]*chunk,n=rows-r0<chunk?rows-r0:chunk; double*p=(double*)(sl+HDR);
        if(pf&2) for(long b=0;b<n*8+HDR;b+=64) __builtin_prefetch(sl+b,1,3);
        const double*src=f+r0*8+(st?6:1); for(long i=0;i<n;i++)p[i]=src[i*8];
        ((long*)sl)[1]=st; ((long*)sl)[2]=r0; ((long*)sl)[3]=n;
        sent++; atomic_store_explicit(&out->head,sent,memory_order_release); kk[st]++;
      }
      unsigned long h=atomic_load_explicit(&in->head,memory_order_acquire);
      while(got<h){
        char*sl=in->slots[got%SLOTS];
        if((pf&1) && got+1<h){char*nx=in->slots[(got+1)%SLOTS]; for(long b=0;b<chunk*8+HDR;b+=64)__builtin_prefetch(nx+b,0,3);}
        long sst=((long*)sl)[1],r0=((long*)sl)[2],n=((long*)sl)[3]; const double*p=(double*)(sl+HDR);
        if(sst<0){ for(long q=0;q<n;q++){ long rr=r0+q*chunk,m=rows-rr<chunk?rows-rr:chunk;
            for(int t2=0;t2<2;t2++){double*dst=f+rr*8+(t2?0:7); for(long i=0;i<m;i++)dst[i*8]=p[i]; p+=m;} recvd+=2;}
          got++; atomic_store_explicit(&in->tail,got,memory_order_release); continue;}
        double*dst=f+r0*8+(sst?0:7); for(long i=0;i<n;i++)dst[i*8]=p[i];
        got++; atomic_store_explicit(&in->tail,got,memory_order_release); recvd++;
      }
    }
    if(it>=0)t[it]=now()-t0;
  }
  if(me==0){qsort(t,iters,sizeof(double),cmpd); printf("rows %ld chunk %ld pf %d: best %.1f us p10 %.1f p50 %.1f\n",rows,chunk,pf,t[0],t[iters/10],t[iters/2]);}
  if(me==1)_exit(0); wait(NULL); return 0;}
